import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { MaybePromise } from '../concurrency/maybe-promise';
import { AuthService } from './auth.service';
import { RouteFactsOf } from './route-facts';

const allowed = () => true;

/** Deny by default: every route but the public ones needs a valid credential. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly routes: RouteFactsOf,
    private readonly auth: AuthService,
  ) {}

  canActivate(context: ExecutionContext): MaybePromise<boolean> {
    // getArgByIndex rather than switchToHttp(), which builds three closures per call.
    const req = context.getArgByIndex<Request>(0);
    const route = this.routes.of(context);
    // SPEC §19: first, so that every answer of the route carries it, refusals included.
    if (route.acceptedPrivileges !== null) {
      context
        .getArgByIndex<Response>(1)
        .setHeader('X-Accepted-Privileges', route.acceptedPrivileges);
    }
    const done = this.auth.authenticate(req, route.policy);
    return done === undefined ? true : done.then(allowed);
  }
}
