import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../http/app-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import {
  RATE_LIMIT_STORE,
  type RateLimitStore,
} from '../rate-limits/rate-limit.store';

export type LoginOutcome = 'succeeded' | 'failed' | 'aborted';

/** A lockout that a failure has just started (SPEC §13: recorded once). */
export interface LockoutStart {
  failures: number;
  windowSeconds: number;
}

interface InFlight {
  count: number;
  /** Attempts waiting for one in flight to settle. */
  waiting: (() => void)[];
  /** Attempts reading the shared count now; the entry lives while any do. */
  readers: number;
  /** Bumped when an attempt settles: a count read across a settle is stale. */
  settled: number;
}

const ipBucket = (ip: string) => `login-ip:${ip}`;
const userBucket = (username: string, ip: string) =>
  `login:${username.toLowerCase()}\n${ip}`;

export interface LoginAttempt {
  key: string;
  ip: string;
}

/**
 * LOGIN_IP_MAX_FAILURES failed logins per IP, whatever the username, and
 * LOGIN_MAX_FAILURES per username and IP, in any LOGIN_WINDOW. The IP limit
 * is checked first, so once it is reached no password is hashed for that IP
 * (random usernames neither dodge the lockout nor load the server).
 * Attempts in flight count against the limit until they settle, so parallel
 * guesses cannot overshoot it; an attempt that only *might* be refused waits
 * for them instead of getting a 429, so parallel right passwords all pass.
 * Both counts live in RATE_LIMIT_STORE, shared between instances when it is;
 * attempts in flight are known per instance, so parallel guesses spread over
 * N instances can overshoot by at most what is in flight on the others.
 */
@Injectable()
export class LoginThrottle {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly windowMs: number;
  private readonly max: number;
  private readonly ipMax: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
  ) {
    this.windowMs = config.loginWindow * 1000;
    this.max = config.loginMaxFailures;
    this.ipMax = config.loginIpMaxFailures;
  }

  /** Waits for a slot for this username and IP, or refuses with 429 once the failures fill the window. */
  async begin(username: string, ip: string): Promise<LoginAttempt> {
    await this.gateIp(ip);
    const key = userBucket(username, ip);
    for (;;) {
      const flight = this.flight(key);
      const settled = flight.settled;
      flight.readers++;
      const state = await this.store.count(key, this.max, this.windowMs);
      flight.readers--;
      if (state.count >= this.max) {
        this.release(key, flight);
        throw AppError.tooManyRequests(
          'too_many_login_attempts',
          'Too many failed logins for this username from this address; try again later.',
          state.msUntilAllowed / 1000,
        );
      }
      if (flight.settled !== settled) continue;
      if (state.count + flight.count < this.max) {
        flight.count++;
        return { key, ip };
      }
      await new Promise<void>((resolve) => flight.waiting.push(resolve));
    }
  }

  /**
   * Settles an attempt: a failure is recorded, a success clears the failures
   * of its username and IP (not the IP's own count: one valid account must not
   * reset an address's random guesses). Returns the lockout this failure
   * started, if it filled the window.
   */
  async end(
    { key, ip }: LoginAttempt,
    outcome: LoginOutcome,
  ): Promise<LockoutStart | null> {
    let lockout: LockoutStart | null = null;
    try {
      if (outcome === 'failed') {
        const state = await this.store.record(key, this.max, this.windowMs);
        if (state.count === this.max) {
          lockout = { failures: this.max, windowSeconds: this.windowMs / 1000 };
        }
        if (this.ipMax > 0)
          await this.store.record(ipBucket(ip), this.ipMax, this.windowMs);
      } else if (outcome === 'succeeded') {
        await this.store.forget(key);
      }
    } finally {
      this.settle(key);
    }
    return lockout;
  }

  /**
   * Runs `work` as one attempt of this lockout: settled as `outcomeOf` its
   * result says, or 'aborted' when it throws (an error is no wrong password).
   * Returns the result and the lockout a failure started.
   */
  async attempt<T>(
    username: string,
    ip: string,
    work: () => Promise<T>,
    outcomeOf: (result: T) => LoginOutcome,
  ): Promise<{ result: T; lockout: LockoutStart | null }> {
    const attempt = await this.begin(username, ip);
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await this.end(attempt, 'aborted');
      throw error;
    }
    return { result, lockout: await this.end(attempt, outcomeOf(result)) };
  }

  /** 429 once the address's failures, whatever the username, fill the window. */
  private async gateIp(ip: string): Promise<void> {
    if (this.ipMax === 0) return;
    const state = await this.store.count(
      ipBucket(ip),
      this.ipMax,
      this.windowMs,
    );
    if (state.count >= this.ipMax) {
      throw AppError.tooManyRequests(
        'too_many_login_attempts',
        'Too many failed logins from this address; try again later.',
        state.msUntilAllowed / 1000,
      );
    }
  }

  private flight(key: string): InFlight {
    let flight = this.inFlight.get(key);
    if (!flight) {
      flight = { count: 0, waiting: [], readers: 0, settled: 0 };
      this.inFlight.set(key, flight);
    }
    return flight;
  }

  /** Drops an attempt's entry once nobody uses it. */
  private release(key: string, flight: InFlight): void {
    if (flight.count === 0 && flight.readers === 0 && !flight.waiting.length) {
      this.inFlight.delete(key);
    }
  }

  /** An attempt in flight is over (its failure already counted): wake those waiting for it. */
  private settle(key: string): void {
    const flight = this.inFlight.get(key);
    if (!flight) return;
    flight.count--;
    flight.settled++;
    const waiting = flight.waiting.splice(0);
    this.release(key, flight);
    for (const wake of waiting) wake();
  }
}
