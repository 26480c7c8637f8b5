import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode, retryAfterSeconds } from '../http/app-error';
import { type MaybePromise, refuse } from '../concurrency/maybe-promise';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import {
  RATE_LIMIT_STORE,
  type RateLimitStore,
} from '../rate-limits/rate-limit.store';
import type { WindowState } from '../rate-limits/sliding-window';
import {
  CLIENT_FAILURE_WINDOW_MS,
  clientFailureKey,
} from '../rate-limits/client-failures';

const WINDOW_MS = CLIENT_FAILURE_WINDOW_MS;
/**
 * The client IP (Express's, so TRUST_PROXY applies), read only when needed:
 * a cached credential's request never computes it. Shared with the
 * refusals of single sign-on (ClientFailures).
 */
const bucket = (req: Client) => clientFailureKey(req.ip);

type Client = { readonly ip?: string };

/** 401s that refuse a presented credential (SPEC §7); no_credentials is not one. */
const REFUSALS = new Set<ErrorCode>([
  'invalid_api_key',
  'api_key_disabled',
  'api_key_expired',
  'invalid_session',
  'session_expired',
  'account_disabled',
]);

/**
 * Refused credentials per client IP (SPEC §7): after AUTH_FAILURE_LIMIT in a
 * sliding minute, a credential that is not already verified in memory gets
 * 429 too_many_failures before any database lookup. The gate is consulted
 * only on a cache miss, and not for a credential LiveCredentials knows to be
 * live, so a working integration behind the same IP keeps working. 429s
 * are not counted. The counts live in RATE_LIMIT_STORE, shared between
 * instances when that store is.
 */
@Injectable()
export class AuthFailures {
  private readonly limit: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
  ) {
    this.limit = config.authFailureLimit;
  }

  /**
   * One 429 per Retry-After value (at most a minute's worth): under a flood
   * every refusal is the same answer, so it is built, and its problem body
   * serialized, once rather than per request (no allocation, no stack).
   */
  private readonly refusals = new Map<number, AppError>();

  /** Throws 429 too_many_failures while the client's IP is over the limit. */
  gate(req: Client): MaybePromise<void> {
    if (this.limit === 0) return;
    const state = this.store.count(bucket(req), this.limit, WINDOW_MS);
    return state instanceof Promise
      ? state.then(this.check)
      : this.check(state);
  }

  private readonly check = (state: WindowState): MaybePromise<void> =>
    state.count < this.limit
      ? undefined
      : refuse(this.refusal(state.msUntilAllowed));

  private refusal(msUntilAllowed: number): AppError {
    const seconds = retryAfterSeconds(msUntilAllowed / 1000);
    let refusal = this.refusals.get(seconds);
    if (!refusal) {
      refusal = AppError.tooManyRequests(
        'too_many_failures',
        'Too many refused credentials from this address; try again later.',
        seconds,
      );
      this.refusals.set(seconds, refusal);
    }
    return refusal;
  }

  /** Counts `error` against the client's IP when it refuses a credential; then rethrows it. */
  fail(req: Client, error: unknown): never {
    this.count(req, error);
    throw error;
  }

  /** Counts `error` against the client's IP when it refuses a credential. */
  private count(req: Client, error: unknown): void {
    if (
      this.limit > 0 &&
      error instanceof AppError &&
      REFUSALS.has(error.code)
    ) {
      const recorded = this.store.record(bucket(req), this.limit, WINDOW_MS);
      // A shared store answers later; the 401 need not wait for it.
      if (recorded instanceof Promise) recorded.catch(() => undefined);
    }
  }

  /** `run()`, with its refusal counted whether it throws now or rejects later. */
  counted<T>(req: Client, run: () => MaybePromise<T>): MaybePromise<T> {
    let result: MaybePromise<T>;
    try {
      result = run();
    } catch (error) {
      // Rejected, not rethrown (see refuse()), with whatever was thrown.
      this.count(req, error);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(error);
    }
    return result instanceof Promise
      ? result.catch((error: unknown) => this.fail(req, error))
      : result;
  }
}
