import { Injectable } from '@nestjs/common';
import { CheckList } from './checks/check-list';
import { IpCheck } from './checks/ip.check';
import { PrivilegesCheck } from './checks/privileges.check';
import { RateLimitCheck } from './checks/rate-limit.check';
import { ScopeCheck } from './checks/scope.check';
import { StepUpCheck } from './checks/step-up.check';

/**
 * The one decision function of SPEC §19: every check after the credential,
 * in order. The AccessGuard runs it on every request (enforce), explain runs
 * it dry, and the tests run both. A new check is a class implementing Check
 * (checks/check.ts), placed here in its order: see docs/access-decision.md.
 */
@Injectable()
export class AccessDecision extends CheckList {
  constructor(
    ip: IpCheck,
    rateLimit: RateLimitCheck,
    privileges: PrivilegesCheck,
    scope: ScopeCheck,
    // Last: it may read the records an act touches, which the checks above spare.
    stepUp: StepUpCheck,
  ) {
    super([ip, rateLimit, privileges, scope, stepUp]);
  }
}
