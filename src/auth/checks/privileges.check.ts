import { Injectable } from '@nestjs/common';
import { describeCaller } from '../../access/principal';
import { missingPrivileges } from '../../access/privileges';
import type { RequestAuth } from '../../access/request-auth';
import { AppError } from '../../http/app-error';
import { type Check, type RouteFacts, SKIP, type Verdict } from './check';

/** Whether `held` has every one of `required`, without building the list of what it lacks. */
function holdsAll(held: readonly string[], required: readonly string[]) {
  if (held.includes('admin')) return true;
  for (const privilege of required) {
    if (!held.includes(privilege)) return false;
  }
  return true;
}

/** `@RequirePrivileges(...)` (SPEC §5): the caller needs all of them; `admin` implies every one. */
@Injectable()
export class PrivilegesCheck implements Check {
  readonly name = 'privileges';

  run(auth: RequestAuth, route: RouteFacts): Verdict {
    const policy = route.policy;
    if (policy.kind !== 'privileges') return SKIP;
    const held = auth.principal.privileges;
    if (holdsAll(held, policy.privileges)) return null;
    const missing = missingPrivileges(held, policy.privileges);
    const noun = missing.length === 1 ? 'privilege' : 'privileges';
    return new AppError(
      403,
      'missing_privilege',
      `${describeCaller(auth.principal)} lacks the ${noun} ${missing.join(', ')}.`,
      { required_privileges: policy.privileges, missing_privileges: missing },
    );
  }

  describe(result: 'pass' | 'skip', _auth: RequestAuth, route: RouteFacts) {
    return result === 'skip'
      ? 'The route needs no privilege, only a valid credential.'
      : `Holds every privilege the route needs: ${route.acceptedPrivileges}.`;
  }

  fix(refusal: AppError): string {
    const missing = refusal.extras.missing_privileges as string[];
    return `grant ${missing.join(', ')}`;
  }
}
