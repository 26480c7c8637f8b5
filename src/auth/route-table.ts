import { Injectable, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { API_PREFIX } from '../http/api-prefix';
import { Policy, RoutePolicy } from '../access/policy.decorator';
import { ScopeRule, ScopeRuleMeta } from '../access/scoped.decorator';

export interface RouteInfo {
  method: string;
  path: string;
  /** Undefined when the route declares none (a test fails on that). */
  policy: Policy | undefined;
  /** What the scope check (src/auth/checks/scope.check.ts) checks on this route, if anything. */
  scope: ScopeRule | undefined;
  /** Where the route is declared, for readers of other metadata (the OpenAPI document). */
  controller: Type<unknown>;
  handler: (...args: unknown[]) => unknown;
}

const pathsOf = (value: unknown): string[] =>
  value === undefined ? ['/'] : ([] as string[]).concat(value as string[]);

const joinPath = (...parts: string[]) =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '')
    .join('/')}`;

/** The routes one controller class declares, with their policies. */
export function routesOf(
  controller: Type<unknown>,
  reflector: Reflector,
): RouteInfo[] {
  const prototype = controller.prototype as Record<string, unknown>;
  const bases = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
  return new MetadataScanner()
    .getAllMethodNames(prototype)
    .flatMap((name): RouteInfo[] => {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as
        RequestMethod | undefined;
      if (method === undefined) return [];
      const policy = reflector.getAllAndOverride(RoutePolicy, [
        handler,
        controller,
      ]);
      const scope = reflector.get(ScopeRuleMeta, handler);
      const paths = pathsOf(Reflect.getMetadata(PATH_METADATA, handler));
      return bases.flatMap((base) =>
        paths.map((path) => ({
          method: RequestMethod[method],
          path: joinPath(API_PREFIX, base, path),
          policy,
          scope,
          controller,
          handler,
        })),
      );
    });
}

/** Every route of the app with its declared policy, read from Nest's own metadata. */
@Injectable()
export class RouteTable {
  private table?: RouteInfo[];

  constructor(
    private readonly modules: ModulesContainer,
    private readonly reflector: Reflector,
  ) {}

  routes(): RouteInfo[] {
    this.table ??= this.controllers().flatMap((controller) =>
      routesOf(controller, this.reflector),
    );
    return this.table;
  }

  private controllers(): Type<unknown>[] {
    const seen = new Set<Type<unknown>>();
    for (const module of this.modules.values()) {
      for (const wrapper of module.controllers.values()) {
        if (wrapper.metatype) seen.add(wrapper.metatype as Type<unknown>);
      }
    }
    return [...seen];
  }
}
