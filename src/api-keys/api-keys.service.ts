import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { changedFields, createdFields } from '../audit/audit-details';
import { AuditLog } from '../audit/audit-log';
import { AppError } from '../http/app-error';
import { Clock } from '../time/clock';
import { ChangeBus } from '../bus/change-bus';
import { newId, randomString, sha256Hex } from '../secrets/secrets';
import { futureInstant, iso, isoOrNull } from '../time/instants';
import { withinLifetime } from './key-lifetime';
import { liveChange, liveFingerprints } from './live-keys';
import { Page } from '../validation/validation';
import { keyListQuery } from './key-list';
import { normalIpOrCidr } from '../http/client-ip';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import { keyBucket } from '../rate-limits/key-bucket';
import { GRANT_REFERENCES, References } from '../resources/references';
import {
  RATE_LIMIT_STORE,
  RateLimitStore,
} from '../rate-limits/rate-limit.store';
import {
  ApiKeyView,
  CreateApiKeyDto,
  KeyListQuery,
  RotateApiKeyDto,
  UpdateApiKeyDto,
} from './api-key.dto';
import { ApiKey } from './api-key.entity';
import { ApiKeyVerifier } from './api-key.verifier';
import { ApiKeyUsage } from './api-key-usage.entity';
import { KeyUsage } from './key-usage';
import { type KeyUsageView, usageReport } from './key-usage-report';

export type ApiKeyWithSecret = ApiKeyView & { key: string };

export const maskOf = (secret: string) =>
  `${secret.slice(0, 4)}********${secret.slice(-4)}`;

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RATE_LIMIT_STORE) private readonly rateLimits: RateLimitStore,
    private readonly verifier: ApiKeyVerifier,
    private readonly clock: Clock,
    private readonly lock: WriteLock,
    private readonly references: References,
    private readonly changes: ChangeBus,
    private readonly audit: AuditLog,
    private readonly usageCounts: KeyUsage,
  ) {}

  async create(
    dto: CreateApiKeyDto,
    context: AuditContext,
  ): Promise<ApiKeyWithSecret> {
    const now = this.clock.now();
    const secret = this.newSecret();
    const key = this.keys.create({
      id: newId(),
      title: dto.title,
      description: dto.description ?? '',
      keyHash: sha256Hex(secret),
      mask: maskOf(secret),
      previousKeyHash: null,
      previousExpiresAt: null,
      active: dto.active ?? true,
      privileges: dto.privileges ?? [],
      categories: dto.categories ?? [],
      groups: dto.groups ?? [],
      roles: dto.roles ?? [],
      maxPerSec: dto.max_per_sec ?? 0,
      allowedIps: normalIps(dto.allowed_ips ?? []),
      ipPolicy: dto.ip_policy ?? 'enforce',
      expiresAt: this.withinLifetime(
        futureInstant(dto.expires_at ?? null, 'expires_at', now),
        now,
      ),
      createdAt: new Date(now),
      updatedAt: new Date(now),
      lastUsedAt: null,
      lastUsedIp: null,
      createdBy: context.actor ?? '',
    });
    await this.lock.transaction(async (manager) => {
      await this.assertNamesExist(manager, dto);
      await manager.insert(ApiKey, key);
      await this.audit.record(manager, context, {
        action: 'api_key.create',
        ...target(key),
        details: createdFields(this.view(key), NOT_DETAILS),
      });
    });
    this.announce(key, [], now);
    return { ...this.view(key), key: secret };
  }

  async list(query: KeyListQuery): Promise<Page<ApiKeyView>> {
    const [rows, total] = await keyListQuery(
      this.keys,
      query,
      this.clock.now(),
    ).getManyAndCount();
    return { items: rows.map((key) => this.view(key)), total };
  }

  async get(id: string): Promise<ApiKeyView> {
    return this.view(await this.find(id));
  }

  /** Requests per day and route over the last `days` UTC days (SPEC §19). */
  async usage(id: string, days: number): Promise<KeyUsageView> {
    const key = await this.find(id);
    return usageReport(
      this.keys.manager,
      key,
      days,
      this.clock.now(),
      this.usageCounts.unwritten(key.id),
    );
  }

  async update(
    id: string,
    dto: UpdateApiKeyDto,
    context: AuditContext,
  ): Promise<ApiKeyView> {
    const now = this.clock.now();
    const expiresAt =
      dto.expires_at === undefined
        ? undefined
        : this.withinLifetime(
            futureInstant(dto.expires_at, 'expires_at', now),
            now,
          );
    let was: number[] = [];
    const key = await this.lock.transaction(async (manager) => {
      const key = await this.find(id, manager);
      await this.assertNamesExist(manager, dto);
      const before = this.view(key);
      was = liveFingerprints(key, now);
      Object.assign(key, {
        title: dto.title ?? key.title,
        description: dto.description ?? key.description,
        active: dto.active ?? key.active,
        privileges: dto.privileges ?? key.privileges,
        categories: dto.categories ?? key.categories,
        groups: dto.groups ?? key.groups,
        roles: dto.roles ?? key.roles,
        maxPerSec: dto.max_per_sec ?? key.maxPerSec,
        allowedIps: dto.allowed_ips
          ? normalIps(dto.allowed_ips)
          : key.allowedIps,
        ipPolicy: dto.ip_policy ?? key.ipPolicy,
        expiresAt: expiresAt === undefined ? key.expiresAt : expiresAt,
        updatedAt: new Date(now),
      });
      await manager.update(ApiKey, { id }, withoutId(key));
      await this.audit.record(manager, context, {
        action: 'api_key.update',
        ...target(key),
        details: changedFields(before, this.view(key), NOT_DETAILS),
      });
      return key;
    });
    this.announce(key, was, now);
    return this.view(key);
  }

  /** A new secret for the same key; the old one works for `grace_seconds`, never past the key's expiry. */
  async rotate(
    id: string,
    dto: RotateApiKeyDto,
    context: AuditContext,
  ): Promise<ApiKeyWithSecret> {
    const now = this.clock.now();
    const secret = this.newSecret();
    let was: number[] = [];
    const key = await this.lock.transaction(async (manager) => {
      const key = await this.find(id, manager);
      was = liveFingerprints(key, now);
      // A key that outlives MAX_KEY_LIFETIME_DAYS gets no new secret: shorten its expiry first.
      this.withinLifetime(key.expiresAt, now);
      const graceEnd = now + (dto.grace_seconds ?? 0) * 1000;
      const end = Math.min(graceEnd, key.expiresAt?.getTime() ?? Infinity);
      const previous = end > now ? key.keyHash : null;
      Object.assign(key, {
        keyHash: sha256Hex(secret),
        mask: maskOf(secret),
        previousKeyHash: previous,
        previousExpiresAt: previous ? new Date(end) : null,
        updatedAt: new Date(now),
      });
      await manager.update(ApiKey, { id }, withoutId(key));
      await this.audit.record(manager, context, {
        action: 'api_key.rotate',
        ...target(key),
        details: {
          grace_seconds: dto.grace_seconds ?? 0,
          previous_valid_until: isoOrNull(key.previousExpiresAt),
        },
      });
      return key;
    });
    this.announce(key, was, now);
    return { ...this.view(key), key: secret };
  }

  async remove(id: string, context: AuditContext): Promise<void> {
    const key = await this.lock.transaction(async (manager) => {
      const key = await this.find(id, manager);
      await manager.delete(ApiKey, { id });
      await manager.delete(ApiKeyUsage, { keyId: id });
      await this.audit.record(manager, context, {
        action: 'api_key.delete',
        ...target(key),
        details: { title: key.title },
      });
      return key;
    });
    const now = this.clock.now();
    this.announce(key, liveFingerprints(key, now), now, true);
    this.verifier.forget(key.id);
    this.usageCounts.forget(key.id);
    await this.rateLimits.forget(keyBucket(key.id));
  }

  private async find(
    id: string,
    manager: EntityManager = this.keys.manager,
  ): Promise<ApiKey> {
    const key =
      typeof id === 'string' ? await manager.findOneBy(ApiKey, { id }) : null;
    if (!key) throw AppError.notFound(`No API key with id "${id}".`);
    return key;
  }

  /** Categories, groups and roles named must exist (SPEC §15). */
  private assertNamesExist(
    manager: EntityManager,
    dto: UpdateApiKeyDto,
  ): Promise<void> {
    return this.references.assertExist(manager, GRANT_REFERENCES, { ...dto });
  }

  /**
   * Cached copies of the key are dropped; its current digest may no longer
   * be unknown; what the write made live or not reaches every gate (`was`:
   * the key's live fingerprints before it).
   */
  private announce(key: ApiKey, was: number[], now: number, gone = false) {
    this.changes.publish({
      kind: 'api_key',
      id: key.id,
      digests: [key.keyHash],
    });
    const live = liveChange(was, gone ? [] : liveFingerprints(key, now));
    if (live) this.changes.publish(live);
  }

  private withinLifetime(expiresAt: Date | null, now: number): Date | null {
    return withinLifetime(expiresAt, now, this.config.maxKeyLifetimeDays);
  }

  private newSecret(): string {
    return randomString(this.config.apiKeyLength);
  }

  /** The only shape a key leaves this service in: never the digest. */
  private view(key: ApiKey): ApiKeyView {
    return {
      id: key.id,
      title: key.title,
      description: key.description,
      mask: key.mask,
      active: key.active,
      privileges: key.privileges,
      categories: key.categories,
      groups: key.groups,
      roles: key.roles,
      max_per_sec: key.maxPerSec,
      allowed_ips: key.allowedIps,
      ip_policy: key.ipPolicy,
      expires_at: isoOrNull(key.expiresAt),
      created_at: iso(key.createdAt),
      updated_at: iso(key.updatedAt),
      last_used_at: isoOrNull(this.verifier.lastUsedAt(key)),
      last_used_ip: this.usageCounts.lastIp(key.id) ?? key.lastUsedIp,
      created_by: key.createdBy,
    };
  }
}

/** Not facts a change of the key sets (the mask is part of the secret; the rest is bookkeeping). */
const NOT_DETAILS = [
  'id',
  'mask',
  'created_at',
  'updated_at',
  'created_by',
  'last_used_at',
  'last_used_ip',
];

const target = (key: ApiKey) => ({
  targetType: 'api_key' as const,
  targetId: key.id,
});

/** Each entry in its normal form, once (two spellings of one range are one). */
const normalIps = (entries: string[]) => [
  ...new Set(entries.map(normalIpOrCidr)),
];

function withoutId(key: ApiKey): Omit<ApiKey, 'id'> {
  const { id: _id, ...rest } = key;
  return rest;
}
