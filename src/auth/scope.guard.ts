import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { principalOf } from '../access/request-auth';
import { ScopeRuleMeta } from '../access/scoped.decorator';
import {
  assertInScope,
  restrictsCategories,
  restrictsGroups,
  scopeOf,
} from '../access/scope';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Category / server-group scope (SPEC §6) on single records. Runs after the
 * privileges guard and before validation, so a restricted caller learns
 * nothing about ids outside its scope; values of the wrong type are left to
 * validation. Update checks both the stored and the new values, so a record
 * can be moved neither out of one's scope nor into it from outside.
 */
@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.get(ScopeRuleMeta, context.getHandler());
    const req = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(context);
    if (!rule || !principal) return true;
    if (!restrictsCategories(principal) && !restrictsGroups(principal))
      return true;
    const { resource, from } = rule;
    let stored: Record<string, unknown> | null = null;
    if (from.includes('stored')) {
      const id = req.params.id;
      stored = await this.dataSource
        .getRepository(resource.entity)
        .findOneBy({ id: typeof id === 'string' ? id : '' });
      // No such record: the handler answers 404.
      if (!stored) return true;
      assertInScope(principal, scopeOf(resource.scope, stored));
    }
    if (from.includes('body')) {
      const body = isObject(req.body) ? req.body : {};
      const base = stored ?? resource.defaults;
      assertInScope(principal, scopeOf(resource.scope, { ...base, ...body }));
    }
    return true;
  }
}
