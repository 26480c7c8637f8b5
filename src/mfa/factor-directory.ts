import { Inject, Injectable } from '@nestjs/common';
import { ChangeBus } from '../bus/change-bus';
import { Clock } from '../time/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { MfaMethod } from './mfa-methods';
import { SecondFactors } from './second-factors.service';

interface Entry {
  methods: MfaMethod[];
  until: number;
}

/**
 * Which second factors each user has, for the per-request checks of
 * step-up and MFA_REQUIRED: read once, then kept for AUTH_CACHE_TTL seconds,
 * dropped on every instance when the user's factors change (the change bus),
 * and not kept at all while that bus is down.
 */
@Injectable()
export class FactorDirectory {
  private readonly cache = new Map<number, Entry>();
  private readonly ttlMs: number;
  private readonly maxSize: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly factors: SecondFactors,
    private readonly clock: Clock,
    private readonly changes: ChangeBus,
  ) {
    this.ttlMs = config.authCacheTtl * 1000;
    this.maxSize = config.authCacheSize;
    changes.subscribe((change) => {
      if (change.kind === 'all') this.cache.clear();
      if (change.kind === 'user') this.cache.delete(change.userId);
    });
  }

  methodsOf(userId: number): MfaMethod[] | Promise<MfaMethod[]> {
    const now = this.clock.now();
    const entry = this.cache.get(userId);
    if (entry && entry.until > now && this.changes.trusted)
      return entry.methods;
    return this.factors.methods(userId).then((methods) => {
      if (this.ttlMs > 0 && this.changes.trusted) {
        if (this.cache.size >= this.maxSize) this.cache.clear();
        this.cache.set(userId, { methods, until: now + this.ttlMs });
      }
      return methods;
    });
  }
}
