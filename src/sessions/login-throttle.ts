import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SlidingWindow } from '../rate-limits/sliding-window';

/**
 * LOGIN_MAX_FAILURES failed logins per username and IP in any LOGIN_WINDOW.
 * An attempt takes a slot before the password is checked, so parallel guesses
 * cannot overshoot the limit; a success gives every slot back.
 */
@Injectable()
export class LoginThrottle implements OnModuleDestroy {
  private readonly window = new SlidingWindow();
  private readonly windowMs: number;
  private readonly max: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.windowMs = config.loginWindow * 1000;
    this.max = config.loginMaxFailures;
    this.sweeper = setInterval(
      () => this.window.sweep(this.windowMs, this.clock.now()),
      Math.min(this.windowMs, 60_000),
    ).unref();
  }

  /** Takes an attempt slot for this username and IP, or refuses with 429. */
  begin(username: string, ip: string): string {
    const key = `${username.toLowerCase()}\n${ip}`;
    const state = this.window.tryHit(
      key,
      this.max,
      this.windowMs,
      this.clock.now(),
    );
    if (!state.allowed) {
      throw AppError.tooManyRequests(
        'too_many_login_attempts',
        'Too many failed logins for this username from this address; try again later.',
        state.msUntilAllowed / 1000,
      );
    }
    return key;
  }

  succeeded(key: string): void {
    this.window.forget(key);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
