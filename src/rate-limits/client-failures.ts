import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AppError } from '../http/app-error';
import { RATE_LIMIT_STORE, type FailureCounters } from './rate-limit.store';

/** SPEC §7: refused credentials of a client IP are counted in a sliding minute. */
export const CLIENT_FAILURE_WINDOW_MS = 60_000;

/** The store key of a client IP's refused credentials (AUTH_FAILURE_LIMIT). */
export const clientFailureKey = (ip: string | null | undefined) =>
  `auth-ip:${ip ?? ''}`;

/**
 * SPEC §7's count for public routes that refuse a sign-in with no
 * credential to verify (single sign-on): each refusal counts as one refused
 * credential of the client IP, and beyond AUTH_FAILURE_LIMIT the route
 * answers 429 too_many_failures before doing any work. Such refusals are
 * audited one row each; without this a flood from one address would fill
 * the audit log and take the write lock once a request. AuthFailures
 * (auth/) counts the credentials' refusals in the same window.
 */
@Injectable()
export class ClientFailures {
  private readonly limit: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RATE_LIMIT_STORE) private readonly store: FailureCounters,
  ) {
    this.limit = config.authFailureLimit;
  }

  /** 429 too_many_failures while the client IP is over the limit (429s are not counted). */
  async gate(ip: string | null): Promise<void> {
    if (this.limit === 0) return;
    const state = await this.store.count(
      clientFailureKey(ip),
      this.limit,
      CLIENT_FAILURE_WINDOW_MS,
    );
    if (state.count >= this.limit) {
      throw AppError.tooManyRequests(
        'too_many_failures',
        'Too many refused sign-ins or credentials from this address; try again later.',
        state.msUntilAllowed / 1000,
      );
    }
  }

  /** One refusal of the client IP. */
  async count(ip: string | null): Promise<void> {
    if (this.limit === 0) return;
    await this.store.record(
      clientFailureKey(ip),
      this.limit,
      CLIENT_FAILURE_WINDOW_MS,
    );
  }
}
