import type { Response } from 'express';
import type { Policy } from '../../access/policy.decorator';
import type { RequestAuth } from '../../access/request-auth';
import type { ScopeRule } from '../../access/scoped.decorator';
import type { AppError, ErrorCode } from '../../http/app-error';
import type { MaybePromise } from '../../concurrency/maybe-promise';

/** SPEC §19's checks, in the order a request meets them. */
export type CheckName =
  'credential' | 'ip' | 'rate_limit' | 'privileges' | 'scope';

/**
 * `enforce`: a real request (consumes the rate allowance, writes what a
 * check records). `dry`: looks only (explain, and the explain route's own
 * request): nothing consumed, nothing written.
 */
export type Mode = 'enforce' | 'dry';

/** A check that does not apply to this caller or route (explain shows `skip`). */
export const SKIP = Symbol('skip');

/** null: passed; SKIP: not applicable; else the refusal a real request gets. */
export type Verdict = AppError | null | typeof SKIP;

/** What a route declares, read once per handler. */
export interface RouteFacts {
  readonly policy: Policy;
  readonly scope: ScopeRule | undefined;
  /** `X-Accepted-Privileges` (SPEC §19), or null on a route that requires none. */
  readonly acceptedPrivileges: string | null;
  /** The route checks its caller without consuming anything (POST /api/auth/explain). */
  readonly dry: boolean;
}

export function routeFacts(
  policy: Policy,
  scope: ScopeRule | undefined,
  dry = false,
): RouteFacts {
  return Object.freeze({
    policy,
    scope,
    acceptedPrivileges:
      policy.kind === 'privileges' ? policy.privileges.join(',') : null,
    dry,
  });
}

/** What a check reads of a request: Express's own request, or explain's stand-in. */
export interface AccessTarget {
  readonly method: string;
  readonly params: Record<string, string>;
  readonly body: unknown;
  /** The client IP as Express computes it (TRUST_PROXY); read only by checks that need it. */
  readonly ip?: string;
  /** Explain only: the route's template (`/api/keys/:id`); a request has Express's `req.route`. */
  readonly path?: string;
}

/**
 * One check of the decision. `run` is the same code for a real request and
 * for explain; `res` is given when there is a response to put headers on.
 * It returns a verdict (a promise only when it must read something), never
 * throws. The words are for explain only.
 */
export interface Check {
  readonly name: CheckName;
  run(
    auth: RequestAuth,
    route: RouteFacts,
    target: AccessTarget,
    mode: Mode,
    res: Response | null,
  ): MaybePromise<Verdict>;
  /** Why it passed, or why it did not apply. */
  describe(
    result: 'pass' | 'skip',
    auth: RequestAuth,
    route: RouteFacts,
  ): string;
  /** The smallest change that would let `refusal` pass ("grant edit_events"). */
  fix(refusal: AppError, auth: RequestAuth): string | undefined;
}

/** One line of explain's answer (SPEC §19). */
export interface CheckOutcome {
  check: CheckName | 'route';
  result: 'pass' | 'fail' | 'skip';
  code?: ErrorCode;
  detail: string;
  missing_privileges?: string[];
  fix?: string;
}

/** A failed check's line: the refusal a real request would get, and how to pass. */
export function failedOutcome(
  check: CheckName,
  refusal: AppError,
  fix: string | undefined,
): CheckOutcome {
  const outcome: CheckOutcome = {
    check,
    result: 'fail',
    code: refusal.code,
    detail: refusal.detail,
  };
  const missing = refusal.extras.missing_privileges;
  if (Array.isArray(missing)) outcome.missing_privileges = missing as string[];
  if (fix) outcome.fix = fix;
  return outcome;
}

export const NOT_REACHED = 'Not reached: an earlier check failed.';
