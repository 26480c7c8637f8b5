import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { grantedPrincipal } from '../access/principal';
import type { RequestAuth } from '../access/request-auth';
import { AppError } from '../http/app-error';
import { IpAllowlist } from '../http/client-ip';
import { Clock } from '../time/clock';
import { CredentialCache, type Gate } from '../cache/credential-cache';
import { ChangeBus } from '../bus/change-bus';
import {
  andThen,
  type MaybePromise,
  refuse,
} from '../concurrency/maybe-promise';
import { sha256Hex } from '../secrets/secrets';
import { APP_CONFIG, AppConfig, cacheOptions } from '../config/app-config';
import { ActivityRecorder } from '../database/activity-recorder';
import { WriteLock } from '../database/write-lock';
import { rolesNamed } from '../roles/role.entity';
import { ApiKey } from './api-key.entity';

interface Verified {
  key: ApiKey;
  /** Built once per cached key, so a request allocates nothing for it. */
  auth: RequestAuth;
}

const invalid = () =>
  AppError.unauthorized('invalid_api_key', 'The API key is not valid.');
/**
 * An unknown key's refusal names no one, so one instance serves every such
 * request (a flood of random keys allocates no error and serializes its
 * problem body once); refusals of a known key are built apart (`about`).
 */
const UNKNOWN_KEY = invalid();

/**
 * Turns a presented secret into a Principal. Verified keys and unknown digests
 * are cached, so a repeated request reads no database; expiry, the active flag
 * and a rotated secret's grace are still checked against the clock on every
 * request. Every change to a key or to a role it holds is published on
 * ChangeBus and drops the cached copy, so it shows on the very next
 * request.
 */
@Injectable()
export class ApiKeyVerifier implements OnApplicationShutdown {
  private readonly cache: CredentialCache<Verified>;
  private readonly lastUsed: ActivityRecorder<ApiKey>;
  private readonly revoking = new Set<string>();

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
    lock: WriteLock,
    changes: ChangeBus,
  ) {
    this.cache = new CredentialCache(
      cacheOptions(config),
      () => changes.trusted,
    );
    changes.subscribe((change) => {
      if (change.kind === 'all') this.cache.clear();
      if (change.kind === 'api_key') this.invalidate(change.id, change.digests);
      if (change.kind === 'role') {
        this.cache.invalidate((entry) =>
          entry.auth.principal.roles.includes(change.id),
        );
      }
    });
    this.lastUsed = new ActivityRecorder(
      lock,
      ApiKey,
      'lastUsedAt',
      config.activityFlushInterval * 1000,
    );
  }

  /** Lookups and cache hits so far (the hit-ratio metric). */
  get cacheStats(): Readonly<{ lookups: number; hits: number }> {
    return this.cache.stats;
  }

  /** Synchronous when the key is cached; expiry and the active flag are checked either way. */
  verify(secret: string, gate?: Gate): MaybePromise<RequestAuth> {
    const digest = sha256Hex(secret);
    const now = this.clock.now();
    const found = this.cache.lookup(digest, now, () => this.load(digest), gate);
    return andThen(found, (verified) =>
      verified ? this.admit(verified, digest, now) : refuse(UNKNOWN_KEY),
    ) as MaybePromise<RequestAuth>;
  }

  private admit(found: Verified, digest: string, now: number): RequestAuth {
    const refusal = keyRefusal(
      found.key,
      digest,
      now,
      this.revoking.size > 0 && this.revoking.has(found.key.id),
    );
    if (refusal) throw refusal;
    this.lastUsed.touch(found.key.id, now);
    return found.auth;
  }

  /**
   * The caller a key is, and the refusal its current secret would get now:
   * the same code as a request's, for explaining another caller (SPEC §19).
   * Null when no key has that id.
   */
  async explain(
    id: string,
  ): Promise<{ auth: RequestAuth; refusal: AppError | null } | null> {
    const key = await this.keys.findOneBy({ id });
    if (!key) return null;
    const { auth } = await this.verified(key);
    return { auth, refusal: keyRefusal(key, key.keyHash, this.clock.now()) };
  }

  /**
   * Keys found leaked, refused from now on here, before the write that
   * disables them lands (revoke-leaked answers first; leaked-keys.ts).
   */
  refuseNow(ids: readonly string[]): void {
    for (const id of ids) {
      this.revoking.add(id);
      this.invalidate(id, []);
    }
  }

  /** The write landed (or failed): the database says again what the key is. */
  settled(ids: readonly string[]): void {
    for (const id of ids) this.revoking.delete(id);
  }

  /** Forgets what is cached about a key; its current digests may no longer be unknown. */
  private invalidate(id: string, digests: string[]): void {
    this.cache.invalidate((entry) => entry.key.id === id, digests);
  }

  forget(keyId: string): void {
    this.lastUsed.forget(keyId);
  }

  /** The latest use of a key, including what is not yet written. */
  lastUsedAt(key: ApiKey): Date | null {
    const unwritten = this.lastUsed.unwritten(key.id);
    return unwritten ? new Date(unwritten) : key.lastUsedAt;
  }

  /** Entries in the verified and unknown caches (for tests and diagnostics). */
  get cacheSizes(): { known: number; unknown: number } {
    return this.cache.sizes;
  }

  flush(): Promise<number> {
    return this.lastUsed.flush();
  }

  onApplicationShutdown(): Promise<void> {
    return this.lastUsed.stop();
  }

  /**
   * A query builder rather than `findOne({ where: [...] })`: the find
   * options' translation allocated some 80 KB a call, which under a flood
   * of guessed keys (each a lookup) ended in the old generation and grew
   * the heap by tens of MiB (bench: ip flood).
   */
  private async load(digest: string): Promise<Verified | null> {
    const key = await this.keys
      .createQueryBuilder('k')
      .where('k.keyHash = :digest OR k.previousKeyHash = :digest', { digest })
      .limit(1)
      .getOne();
    return key && this.verified(key);
  }

  private async verified(key: ApiKey): Promise<Verified> {
    const roles = await rolesNamed(this.keys.manager, key.roles);
    const principal = grantedPrincipal(
      {
        type: 'api_key',
        id: key.id,
        name: key.title,
        maxPerSec: key.maxPerSec,
        expiresAt: key.expiresAt,
      },
      key,
      roles,
    );
    // One shape for every key, so the checks' property reads stay monomorphic.
    const limited = key.allowedIps.length > 0;
    const auth: RequestAuth = {
      principal,
      keyExpires: key.expiresAt?.toISOString(),
      ipAllowlist: limited ? new IpAllowlist(key.allowedIps) : undefined,
      ipReportOnly: limited && key.ipPolicy === 'report',
    };
    return { key, auth: Object.freeze(auth) };
  }
}

/**
 * Why a key that exists refuses `digest` now, or null: a rotated secret past
 * its grace, the key disabled, or expired. Such a refusal is on the record
 * (SPEC §13); an unknown key's is not.
 */
function keyRefusal(
  key: ApiKey,
  digest: string,
  now: number,
  revoked = false,
): AppError | null {
  const subject = {
    actor: `key:${key.id}`,
    targetType: 'api_key' as const,
    targetId: key.id,
  };
  if (
    digest === key.previousKeyHash &&
    !(key.previousExpiresAt!.getTime() > now)
  ) {
    return invalid().about(subject);
  }
  if (!key.active || revoked) {
    return AppError.unauthorized(
      'api_key_disabled',
      `API key "${key.title}" is disabled.`,
    ).about(subject);
  }
  if (key.expiresAt && key.expiresAt.getTime() <= now) {
    return AppError.unauthorized(
      'api_key_expired',
      `API key "${key.title}" has expired.`,
    ).about(subject);
  }
  return null;
}
