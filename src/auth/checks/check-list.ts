import type { Response } from 'express';
import type { RequestAuth } from '../../access/request-auth';
import { AppError } from '../../http/app-error';
import { type MaybePromise, refuse } from '../../concurrency/maybe-promise';
import {
  type AccessTarget,
  type Check,
  type CheckName,
  type CheckOutcome,
  failedOutcome,
  type Mode,
  NOT_REACHED,
  type RouteFacts,
  SKIP,
} from './check';

/**
 * The checks after the credential (SPEC §19 order: ip, rate_limit,
 * privileges, scope), run one way by the guard and another by explain, so
 * the two cannot disagree. Hand-written rather than a policy engine
 * (OpenFGA, Casbin): the rules are few, typed, and must cost a cached key's
 * request no promise and no allocation when every check passes at once.
 */
export class CheckList {
  constructor(private readonly checks: readonly Check[]) {}

  get names(): CheckName[] {
    return this.checks.map((check) => check.name);
  }

  /**
   * A real request: the first refusal is rejected (the guard's answer), the
   * rest are not run. Synchronous unless a check must read something.
   */
  enforce(
    auth: RequestAuth,
    route: RouteFacts,
    target: AccessTarget,
    mode: Mode,
    res: Response | null,
  ): MaybePromise<void> {
    return this.from(0, auth, route, target, mode, res);
  }

  private from(
    first: number,
    auth: RequestAuth,
    route: RouteFacts,
    target: AccessTarget,
    mode: Mode,
    res: Response | null,
  ): MaybePromise<void> {
    const checks = this.checks;
    for (let i = first; i < checks.length; i++) {
      const verdict = checks[i].run(auth, route, target, mode, res);
      if (verdict === null || verdict === SKIP) continue;
      if (verdict instanceof AppError) return refuse(verdict);
      return verdict.then((settled) => {
        if (settled instanceof AppError) throw settled;
        return this.from(i + 1, auth, route, target, mode, res);
      });
    }
  }

  /** Explain: every check, in order, dry; those after a failure are `skip`. */
  async explain(
    auth: RequestAuth,
    route: RouteFacts,
    target: AccessTarget,
  ): Promise<CheckOutcome[]> {
    const outcomes: CheckOutcome[] = [];
    let failed = false;
    for (const check of this.checks) {
      if (failed) {
        outcomes.push({
          check: check.name,
          result: 'skip',
          detail: NOT_REACHED,
        });
        continue;
      }
      const verdict = await check.run(auth, route, target, 'dry', null);
      if (verdict instanceof AppError) {
        failed = true;
        outcomes.push(
          failedOutcome(check.name, verdict, check.fix(verdict, auth)),
        );
        continue;
      }
      const result = verdict === SKIP ? 'skip' : 'pass';
      outcomes.push({
        check: check.name,
        result,
        detail: check.describe(result, auth, route),
      });
    }
    return outcomes;
  }
}
