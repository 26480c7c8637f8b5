import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerRequest } from '@nestjs/throttler';
import type { Response } from 'express';
import { describeCaller } from '../access/principal';
import { principalOf } from '../access/request-auth';
import { AppError } from '../http/app-error';
import { KEY_THROTTLER, keyBucket } from '../rate-limits/key-bucket';

export function keyLimitOf(context: ExecutionContext): number {
  return principalOf(context)?.maxPerSec ?? 0;
}

/**
 * Per-key `max_per_sec` (SPEC §7). It needs the authenticated key, so it is
 * registered after the AuthGuard. Headers follow the IETF RateLimit fields
 * rather than @nestjs/throttler's X-RateLimit-* ones.
 */
@Injectable()
export class KeyRateLimitGuard extends ThrottlerGuard {
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(keyLimitOf(context) <= 0);
  }

  protected override async handleRequest({
    context,
    limit,
    ttl,
  }: ThrottlerRequest): Promise<boolean> {
    const res = context.switchToHttp().getResponse<Response>();
    const principal = principalOf(context)!;
    const record = await this.storageService.increment(
      keyBucket(principal.id),
      ttl,
      limit,
      ttl,
      KEY_THROTTLER,
    );
    const remaining = Math.max(0, limit - record.totalHits);
    const window = Math.ceil(ttl / 1000);
    res.setHeader('RateLimit-Policy', `"key";q=${limit};w=${window}`);
    res.setHeader(
      'RateLimit',
      `"key";r=${remaining};t=${record.isBlocked ? record.timeToBlockExpire : record.timeToExpire}`,
    );
    if (record.isBlocked) {
      throw AppError.tooManyRequests(
        'rate_limited',
        `${describeCaller(principal)} is limited to ${limit} requests per second.`,
        record.timeToBlockExpire,
      );
    }
    return true;
  }
}
