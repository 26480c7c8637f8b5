import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../http/app-error';
import {
  RATE_LIMIT_STORE,
  type FailureCounters,
} from '../rate-limits/rate-limit.store';
import type { LockoutStart } from '../sessions/login-throttle';

/** NIST SP 800-63B §5.2.2: at most 100 failed attempts on one account. */
export const FACTOR_FAILURES_PER_USER = 100;
const WINDOW_MS = 60 * 60 * 1000;

const bucket = (userId: number) => `mfa-user:${userId}`;

/**
 * Wrong second factors per user, from every address together. SPEC §4's
 * lockout counts per username and IP, which a holder of the password
 * dodges with more addresses; a 6-digit code (3 in a million with a step
 * of drift) would then fall in hours. Beyond the limit the user's factors
 * are not checked at all for the rest of the hour: the right code is
 * refused too, or guessing would go on. Only a holder of the password (or
 * of a session, for step-up) can spend this allowance, so locking the user
 * out of it is no new power. Parallel guesses may overshoot by what is in
 * flight. Counted in RATE_LIMIT_STORE, shared between instances when it is.
 */
@Injectable()
export class FactorFailures {
  constructor(
    @Inject(RATE_LIMIT_STORE) private readonly store: FailureCounters,
  ) {}

  /** 429 too_many_login_attempts while the user's factors have failed too often. */
  async gate(userId: number): Promise<void> {
    const state = await this.store.count(
      bucket(userId),
      FACTOR_FAILURES_PER_USER,
      WINDOW_MS,
    );
    if (state.count >= FACTOR_FAILURES_PER_USER) {
      throw AppError.tooManyRequests(
        'too_many_login_attempts',
        "Too many wrong codes or passkeys for this user's second factor; try again later.",
        state.msUntilAllowed / 1000,
      );
    }
  }

  /** Counts one wrong factor; answers the lockout it starts, if it fills the window. */
  async fail(userId: number): Promise<LockoutStart | null> {
    const state = await this.store.record(
      bucket(userId),
      FACTOR_FAILURES_PER_USER,
      WINDOW_MS,
    );
    return state.count === FACTOR_FAILURES_PER_USER
      ? { failures: FACTOR_FAILURES_PER_USER, windowSeconds: WINDOW_MS / 1000 }
      : null;
  }
}
