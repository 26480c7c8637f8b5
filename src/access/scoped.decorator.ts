import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ScopeSpec } from './scope';

/** A scoped kind of record: enough for the scope check and list filters. */
export interface ScopedResource<
  E extends { id: string } = { id: string },
> extends ScopeSpec {
  /** Singular, for messages: "event". */
  noun: string;
  entity: Type<E>;
}

export type ScopeSource = 'stored' | 'body';

export interface ScopeRule {
  resource: ScopedResource;
  /** `stored`: the record named by `:id`; `body`: the values the request would write. */
  from: ScopeSource[];
}

export const ScopeRuleMeta = Reflector.createDecorator<ScopeRule>();

/** Declares where a route's scope lives; the scope check (src/auth/checks/scope.check.ts) checks it. */
export const Scoped = (resource: ScopedResource, ...from: ScopeSource[]) =>
  ScopeRuleMeta({ resource, from });
