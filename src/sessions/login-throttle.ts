import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import {
  RATE_LIMIT_STORE,
  type RateLimitStore,
} from '../rate-limits/rate-limit.store';
import { SlidingWindow } from '../rate-limits/sliding-window';

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
}

const ipBucket = (ip: string) => `login-ip:${ip}`;

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
 */
@Injectable()
export class LoginThrottle implements OnModuleDestroy {
  private readonly failures = new SlidingWindow();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly windowMs: number;
  private readonly max: number;
  private readonly ipMax: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
  ) {
    this.windowMs = config.loginWindow * 1000;
    this.max = config.loginMaxFailures;
    this.ipMax = config.loginIpMaxFailures;
    this.sweeper = setInterval(
      () => this.failures.sweep(this.windowMs, this.clock.now()),
      Math.min(this.windowMs, 60_000),
    ).unref();
  }

  /** Waits for a slot for this username and IP, or refuses with 429 once the failures fill the window. */
  async begin(username: string, ip: string): Promise<LoginAttempt> {
    if (this.ipMax > 0) {
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
    const key = `${username.toLowerCase()}\n${ip}`;
    for (;;) {
      const state = this.failures.peek(
        key,
        this.max,
        this.windowMs,
        this.clock.now(),
      );
      if (state.count >= this.max) {
        throw AppError.tooManyRequests(
          'too_many_login_attempts',
          'Too many failed logins for this username from this address; try again later.',
          state.msUntilAllowed / 1000,
        );
      }
      const flight = this.inFlight.get(key) ?? { count: 0, waiting: [] };
      if (state.count + flight.count < this.max) {
        flight.count++;
        this.inFlight.set(key, flight);
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
    const lockout = this.settle(key, outcome);
    if (outcome === 'failed' && this.ipMax > 0) {
      await this.store.record(ipBucket(ip), this.windowMs);
    }
    return lockout;
  }

  private settle(key: string, outcome: LoginOutcome): LockoutStart | null {
    let lockout: LockoutStart | null = null;
    if (outcome === 'failed') {
      const state = this.failures.hit(
        key,
        this.max,
        this.windowMs,
        this.clock.now(),
      );
      if (state.count === this.max) {
        lockout = { failures: this.max, windowSeconds: this.windowMs / 1000 };
      }
    } else if (outcome === 'succeeded') {
      this.failures.forget(key);
    }
    const flight = this.inFlight.get(key);
    if (!flight) return lockout;
    flight.count--;
    const waiting = flight.waiting.splice(0);
    if (flight.count === 0) this.inFlight.delete(key);
    for (const wake of waiting) wake();
    return lockout;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
