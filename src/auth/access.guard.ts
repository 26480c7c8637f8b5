import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { authOf } from '../access/request-auth';
import type { MaybePromise } from '../concurrency/maybe-promise';
import { AccessDecision } from './access-decision';
import { RouteFactsOf } from './route-facts';

const allowed = () => true;

/**
 * Every check after the credential (ip, rate limit, privileges, scope), by
 * the one decision function explain also runs. Registered after the
 * AuthGuard, which sets the caller; public routes have none and pass.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly decision: AccessDecision,
    private readonly routes: RouteFactsOf,
  ) {}

  canActivate(context: ExecutionContext): MaybePromise<boolean> {
    // getArgByIndex rather than switchToHttp(), which builds three closures per call.
    const req = context.getArgByIndex<Request>(0);
    const auth = authOf(req);
    if (!auth) return true;
    const route = this.routes.of(context);
    const done = this.decision.enforce(
      auth,
      route,
      req as Request & { params: Record<string, string> },
      route.dry ? 'dry' : 'enforce',
      context.getArgByIndex<Response>(1),
    );
    return done === undefined ? true : done.then(allowed);
  }
}
