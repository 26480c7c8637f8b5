import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../http/app-error';
import { policyOf } from '../access/policy.decorator';
import { describeCaller } from '../access/principal';
import { principalOf } from '../access/request-auth';
import { missingPrivileges } from '../access/privileges';

/** `@RequirePrivileges(...)`: the caller needs all of them; `admin` implies every one. */
@Injectable()
export class PrivilegesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const policy = policyOf(this.reflector, context);
    if (policy.kind !== 'privileges') return true;
    const principal = principalOf(context)!;
    const missing = missingPrivileges(principal.privileges, policy.privileges);
    if (missing.length > 0) {
      const noun = missing.length === 1 ? 'privilege' : 'privileges';
      throw new AppError(
        403,
        'missing_privilege',
        `${describeCaller(principal)} lacks the ${noun} ${missing.join(', ')}.`,
        { required_privileges: policy.privileges, missing_privileges: missing },
      );
    }
    return true;
  }
}
