import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { andThen, type MaybePromise } from '../concurrency/maybe-promise';
import { AuthService } from './auth.service';
import { policyOf } from '../access/policy.decorator';

/** Deny by default: every route but the public ones needs a valid credential. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  canActivate(context: ExecutionContext): MaybePromise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const done = this.auth.authenticate(req, policyOf(this.reflector, context));
    return andThen(done, () => true);
  }
}
