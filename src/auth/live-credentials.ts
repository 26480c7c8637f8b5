import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKey } from '../api-keys/api-key.entity';
import { liveFingerprints } from '../api-keys/live-keys';
import { type Change, ChangeBus } from '../bus/change-bus';
import { DigestIndex, fingerprint } from '../cache/digest-index';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Session } from '../sessions/session.entity';
import { Clock } from '../time/clock';

type LiveChange = Extract<Change, { kind: 'live' }>;

/** A full reload drops what expired with time (keys, graces, sessions). */
const REBUILD_MS = 10 * 60_000;
/** Sessions' last activity is written in batches: an idle cut-off this much older misses none. */
const ACTIVITY_SLACK_MS = 2 * 60_000;

/**
 * The digests of every live credential (an active, unexpired key and its
 * rotated secret in grace; a valid session), as a filter of fingerprints
 * (cache/digest-index.ts): SPEC §7's gate lets these through from an IP
 * over AUTH_FAILURE_LIMIT whether or not this instance verified them
 * before, and refuses the rest without a database lookup. Loaded at
 * start-up, kept by the change bus on every instance (each write that makes
 * a credential live or not publishes a `live` change: keys in
 * ApiKeysService and LeakedKeys, sessions at sign-in), and reloaded every
 * ten minutes and whenever changes may have been missed. Never a false
 * negative for a credential made live through the API: a credential that
 * ended by time or sign-out costs a lookup when presented until the reload.
 */
@Injectable()
export class LiveCredentials
  implements OnApplicationBootstrap, OnModuleDestroy
{
  private index = new DigestIndex();
  /** Changes that arrive while a reload reads the database, applied to it after. */
  private arriving: LiveChange[] | null = null;
  private timer?: NodeJS.Timeout;
  private reloading: Promise<void> | null = null;
  private readonly enabled: boolean;
  private readonly logger = new Logger('LiveCredentials');

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    bus: ChangeBus,
  ) {
    // Without the limit there is no gate to pass.
    this.enabled = config.authFailureLimit > 0;
    bus.subscribe((change) => {
      if (!this.enabled) return;
      if (change.kind === 'live') this.apply(change);
      if (change.kind === 'all') void this.reload();
    });
  }

  /** Whether `digest` may be a live credential (false: it certainly is not). */
  has(digest: string): boolean {
    return this.index.has(digest);
  }

  /** Fingerprints held: one per live credential (bar the rare shared one). */
  get size(): number {
    return this.index.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    await this.reload();
    this.timer = setInterval(() => void this.reload(), REBUILD_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Reads every live credential again; one reload at a time. */
  reload(): Promise<void> {
    this.reloading ??= this.rebuild().finally(() => (this.reloading = null));
    return this.reloading;
  }

  private async rebuild(): Promise<void> {
    this.arriving = [];
    try {
      const next = new DigestIndex();
      for (const print of await this.livePrints()) next.add(print);
      for (const change of this.arriving) apply(next, change);
      this.index = next;
    } catch (error) {
      // The index in use stays; the next reload tries again.
      this.logger.warn(`Could not reload live credentials: ${String(error)}`);
    } finally {
      this.arriving = null;
    }
  }

  private apply(change: LiveChange): void {
    apply(this.index, change);
    this.arriving?.push(change);
  }

  private async livePrints(): Promise<number[]> {
    const now = this.clock.now();
    const keys = await this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder('k')
      .select(['k.keyHash', 'k.previousKeyHash', 'k.previousExpiresAt'])
      .addSelect(['k.active', 'k.expiresAt'])
      .where('k.active = :on', { on: true })
      .andWhere('(k.expiresAt IS NULL OR k.expiresAt > :now)', { now })
      .getMany();
    const sessions = await this.dataSource
      .getRepository(Session)
      .createQueryBuilder('s')
      .innerJoin('s.user', 'u')
      .select('s.tokenHash')
      .where('u.active = :on', { on: true })
      .andWhere('s.createdAt > :born', {
        born: now - this.config.sessionMaxAge * 1000,
      })
      .andWhere('s.lastSeenAt > :seen', {
        seen: now - this.config.sessionIdleTimeout * 1000 - ACTIVITY_SLACK_MS,
      })
      .getMany();
    return [
      ...keys.flatMap((key) => liveFingerprints(key, now)),
      ...sessions.map((session) => fingerprint(session.tokenHash)),
    ];
  }
}

function apply(index: DigestIndex, change: LiveChange): void {
  for (const print of change.added ?? []) index.add(print);
  for (const print of change.removed ?? []) index.remove(print);
}
