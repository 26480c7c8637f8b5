import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { describeCaller, type Principal } from '../../access/principal';
import type { RequestAuth } from '../../access/request-auth';
import { AppError } from '../../http/app-error';
import { andThen, type MaybePromise } from '../../concurrency/maybe-promise';
import { KEY_THROTTLER, keyBucket } from '../../rate-limits/key-bucket';
import {
  RATE_LIMIT_STORE,
  type RateLimitStore,
  type RateRecord,
} from '../../rate-limits/rate-limit.store';
import { type Check, type Mode, SKIP, type Verdict } from './check';

const WINDOW_MS = 1000;

/**
 * A key's `max_per_sec` (SPEC §7) in an exact sliding window. A real request
 * takes a slot (refused ones take none); a dry run only looks. Headers follow
 * the IETF RateLimit fields rather than @nestjs/throttler's X-RateLimit-* ones.
 */
@Injectable()
export class RateLimitCheck implements Check {
  readonly name = 'rate_limit';

  constructor(
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
  ) {}

  run(
    auth: RequestAuth,
    _route: unknown,
    _target: unknown,
    mode: Mode,
    res: Response | null,
  ): MaybePromise<Verdict> {
    const principal = auth.principal;
    const limit = principal.maxPerSec;
    if (limit <= 0) return SKIP;
    const bucket = keyBucket(principal.id);
    const record =
      mode === 'dry'
        ? this.store.peek(bucket, WINDOW_MS, limit)
        : this.store.increment(
            bucket,
            WINDOW_MS,
            limit,
            WINDOW_MS,
            KEY_THROTTLER,
          );
    return andThen(record, (settled) => verdict(principal, settled, res));
  }

  describe(result: 'pass' | 'skip', auth: RequestAuth) {
    return result === 'skip'
      ? auth.principal.type === 'api_key'
        ? 'The key has no max_per_sec.'
        : 'Sessions are not rate limited per second.'
      : `Within max_per_sec ${auth.principal.maxPerSec}.`;
  }

  fix(refusal: AppError, auth: RequestAuth): string {
    const wait = refusal.headers['Retry-After'] ?? '1';
    return `wait ${wait} s, or raise max_per_sec above ${auth.principal.maxPerSec}`;
  }
}

function verdict(
  principal: Principal,
  record: RateRecord,
  res: Response | null,
): Verdict {
  const limit = principal.maxPerSec;
  if (res) {
    const remaining = Math.max(0, limit - record.totalHits);
    const reset = record.isBlocked
      ? record.timeToBlockExpire
      : record.timeToExpire;
    res.setHeader('RateLimit-Policy', `"key";q=${limit};w=${WINDOW_MS / 1000}`);
    res.setHeader('RateLimit', `"key";r=${remaining};t=${reset}`);
  }
  if (!record.isBlocked) return null;
  return AppError.tooManyRequests(
    'rate_limited',
    `${describeCaller(principal)} is limited to ${limit} requests per second.`,
    record.timeToBlockExpire,
  );
}
