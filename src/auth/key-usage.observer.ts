import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { authOf } from '../access/request-auth';
import {
  KeyUsage,
  type RouteUse,
  type UsageOutcome,
} from '../api-keys/key-usage';
import { errorOf } from '../http/problem.filter';
import type { RequestObserver } from '../observability/access-log';
import { RouteTable } from './route-table';

type ExpressRoute = { path: string };

const outcomeOf = (status: number): UsageOutcome | null =>
  status < 400
    ? 'success'
    : status === 401 || status === 403
      ? 'denied'
      : status === 429
        ? 'rate_limited'
        : null;

/**
 * Counts every answer to an API key for its usage (SPEC §19), when the
 * response is done: 2xx/3xx as success, 401/403 as denied (a disabled or
 * expired key's refusals too), 429 as rate_limited. Runs in the access
 * log's one 'close' listener; the route's label and privileges are worked
 * out once per Express route and method.
 */
@Injectable()
export class KeyUsageObserver {
  private readonly uses = new WeakMap<object, Map<string, RouteUse>>();
  private labels?: Map<string, readonly string[]>;

  constructor(
    private readonly usage: KeyUsage,
    private readonly table: RouteTable,
  ) {}

  readonly observe: RequestObserver = (req: Request, res: Response) => {
    const principal = authOf(req)?.principal;
    let keyId: string;
    if (principal) {
      if (principal.type !== 'api_key') return;
      keyId = principal.id;
    } else {
      const subject = errorOf(res)?.subject;
      if (subject?.targetType !== 'api_key') return;
      keyId = subject.targetId;
    }
    const outcome = outcomeOf(res.statusCode);
    this.usage.count(
      keyId,
      outcome,
      outcome === 'success' ? this.useOf(req) : undefined,
      principal ? req.ip : undefined,
    );
  };

  private useOf(req: Request): RouteUse | undefined {
    const route = req.route as ExpressRoute | undefined;
    if (!route) return undefined;
    let byMethod = this.uses.get(route);
    if (!byMethod)
      this.uses.set(route, (byMethod = new Map<string, RouteUse>()));
    let use = byMethod.get(req.method);
    if (!use) {
      use = {
        label: `${req.method} ${route.path}`,
        privileges: this.privilegesOf(req.method, route.path),
      };
      byMethod.set(req.method, use);
    }
    return use;
  }

  /** What the route requires (HEAD is answered by the GET route). */
  private privilegesOf(method: string, path: string): readonly string[] {
    this.labels ??= new Map(
      this.table
        .routes()
        .map((route) => [
          `${route.method} ${route.path}`,
          route.policy?.kind === 'privileges' ? route.policy.privileges : [],
        ]),
    );
    const verb = method === 'HEAD' ? 'GET' : method;
    return this.labels.get(`${verb} ${path}`) ?? [];
  }
}
