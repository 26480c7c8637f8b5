import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { authOf } from '../access/request-auth';
import {
  type ClientIpOf,
  KeyUsage,
  type RouteUse,
  type UsageOutcome,
} from '../api-keys/key-usage';
import { HttpAdapterHost } from '@nestjs/core';
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
  /** Per Express route, the uses seen (one per method: nearly always one). */
  private readonly uses = new WeakMap<object, RouteUse[]>();
  private labels?: Map<string, readonly string[]>;

  constructor(
    private readonly usage: KeyUsage,
    private readonly table: RouteTable,
    adapter: HttpAdapterHost,
  ) {
    usage.resolveClientsWith(expressClientIp(adapter));
  }

  readonly observe: RequestObserver = (req: Request, res: Response) => {
    const principal = authOf(req)?.principal;
    if (principal) {
      if (principal.type !== 'api_key') return;
      const outcome = outcomeOf(res.statusCode);
      // Where it came from, as received: resolved to the client IP only
      // when written (Express's req.ip parses X-Forwarded-For every time).
      // Node joins a repeated X-Forwarded-For into one string.
      const forwarded = req.headers['x-forwarded-for'] as string | undefined;
      this.usage.count(
        principal.id,
        outcome,
        outcome === 'success' ? this.useOf(req) : undefined,
        req.socket.remoteAddress ?? '',
        forwarded,
      );
      return;
    }
    const subject = errorOf(res)?.subject;
    if (subject?.targetType === 'api_key') {
      this.usage.count(subject.targetId, outcomeOf(res.statusCode), undefined);
    }
  };

  private useOf(req: Request): RouteUse | undefined {
    const route = req.route as ExpressRoute | undefined;
    if (!route) return undefined;
    let uses = this.uses.get(route);
    if (!uses) this.uses.set(route, (uses = []));
    for (const use of uses) if (use.method === req.method) return use;
    const use = {
      method: req.method,
      label: `${req.method} ${route.path}`,
      privileges: this.privilegesOf(req.method, route.path),
    };
    uses.push(use);
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

/**
 * The client IP Express would give a request from `address` with this
 * X-Forwarded-For: its own req.ip getter (TRUST_PROXY's rule), on a
 * stand-in request built only when a key's usage is written or read.
 */
function expressClientIp(adapter: HttpAdapterHost): ClientIpOf {
  return (address, forwarded) => {
    const app = adapter.httpAdapter?.getInstance<{ request: object }>();
    if (!app) return address;
    const stand = Object.create(app.request) as {
      ip?: string;
      app: unknown;
      headers: Record<string, string>;
      socket: { remoteAddress?: string };
      connection: { remoteAddress?: string };
    };
    stand.app = app;
    stand.headers =
      forwarded === undefined ? {} : { 'x-forwarded-for': forwarded };
    stand.socket = stand.connection = { remoteAddress: address };
    return stand.ip;
  };
}
