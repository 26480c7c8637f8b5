import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
} from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { normalIp } from '../http/client-ip';
import { WriteLock } from '../database/write-lock';
import { Clock } from '../time/clock';
import { ApiKeyUsage } from './api-key-usage.entity';
import { ApiKey } from './api-key.entity';

const DAY_MS = 86_400_000;

/** A route as usage counts it: `GET /api/events/:id`, and what it requires. */
export interface RouteUse {
  readonly method: string;
  readonly label: string;
  readonly privileges: readonly string[];
}

export type UsageOutcome = 'success' | 'denied' | 'rate_limited';

/** One key's requests on one UTC day, not yet written. */
export interface DayCounts {
  readonly keyId: string;
  /** Days since the epoch (UTC). */
  readonly day: number;
  success: number;
  denied: number;
  rateLimited: number;
  /** Successful requests by route. */
  readonly routes: Map<RouteUse, number>;
  /**
   * Where the key's latest request came from, as received: the socket's
   * address and X-Forwarded-For. Resolved to the client IP (TRUST_PROXY)
   * only when written or read, not on every request.
   */
  lastAddress: string | undefined;
  lastForwarded: string | undefined;
}

/** The client IP of a request from `address`, forwarded for `forwarded` (Express's rule). */
export type ClientIpOf = (
  address: string | undefined,
  forwarded: string | undefined,
) => string | undefined;

export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
export const dateOf = (day: number) =>
  new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * Requests per key, counted in memory on every request and added to the
 * database (one row per key and UTC day) every ACTIVITY_FLUSH_INTERVAL
 * seconds and at shutdown: one transaction per flush, never one write per
 * request (SPEC §19). Counting is a map look-up and a few increments.
 */
@Injectable()
export class KeyUsage implements OnApplicationShutdown {
  private pending = new Map<string, DayCounts>();
  /** Days that ended while their counts were pending. */
  private ended: DayCounts[] = [];
  /** The batch being written: still unwritten until its transaction commits. */
  private writing: DayCounts[] = [];
  private running: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private readonly logger = new Logger('KeyUsage');
  /** Until the HTTP layer says how (TRUST_PROXY), the socket's address. */
  private clientIpOf: ClientIpOf = (address) => address;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly lock: WriteLock,
    private readonly clock: Clock,
  ) {
    this.timer = setInterval(
      () => void this.flush(),
      config.activityFlushInterval * 1000,
    ).unref();
  }

  /** How a request's address and X-Forwarded-For give its client IP (set by the HTTP layer). */
  resolveClientsWith(clientIpOf: ClientIpOf): void {
    this.clientIpOf = clientIpOf;
  }

  /**
   * One request of `keyId`: its outcome (null: answered otherwise, e.g. 404)
   * and, when it succeeded, its route; where it came from when the key
   * authenticated it (`address` undefined otherwise).
   */
  count(
    keyId: string,
    outcome: UsageOutcome | null,
    route: RouteUse | undefined,
    address?: string,
    forwarded?: string,
  ): void {
    const day = dayOf(this.clock.now());
    let counts = this.pending.get(keyId);
    if (counts === undefined || counts.day !== day) {
      if (counts !== undefined) this.ended.push(counts);
      counts = emptyDay(keyId, day);
      this.pending.set(keyId, counts);
    }
    if (address !== undefined) {
      counts.lastAddress = address;
      counts.lastForwarded = forwarded;
    }
    if (outcome === 'success') {
      counts.success++;
      if (route) counts.routes.set(route, (counts.routes.get(route) ?? 0) + 1);
    } else if (outcome === 'denied') counts.denied++;
    else if (outcome === 'rate_limited') counts.rateLimited++;
  }

  /** What this instance counted for a key and has not written yet. */
  unwritten(keyId: string): DayCounts[] {
    const all = [...this.writing, ...this.ended];
    const current = this.pending.get(keyId);
    if (current) all.push(current);
    return all.filter((counts) => counts.keyId === keyId);
  }

  /** The latest client IP of a key not yet written, if any. */
  lastIp(keyId: string): string | null {
    const unwritten = this.unwritten(keyId);
    for (let i = unwritten.length - 1; i >= 0; i--) {
      const ip = this.ipOf(unwritten[i]);
      if (ip !== null) return ip;
    }
    return null;
  }

  private ipOf(counts: DayCounts): string | null {
    if (counts.lastAddress === undefined) return null;
    const ip = this.clientIpOf(counts.lastAddress, counts.lastForwarded);
    return ip === undefined ? null : normalIp(ip);
  }

  /** The key is gone: what it counted is dropped with its rows. */
  forget(keyId: string): void {
    this.pending.delete(keyId);
    this.ended = this.ended.filter((counts) => counts.keyId !== keyId);
  }

  /** Adds what is pending to the database; flushes run one after another. Never throws. */
  flush(): Promise<void> {
    this.running = this.running.then(() => this.writeBatch());
    return this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async writeBatch(): Promise<void> {
    if (this.pending.size === 0 && this.ended.length === 0) return;
    const batch = [...this.ended, ...this.pending.values()];
    this.ended = [];
    this.pending = new Map();
    this.writing = batch;
    try {
      const ips = new Map<string, string>();
      for (const counts of batch) {
        const ip = this.ipOf(counts);
        if (ip !== null) ips.set(counts.keyId, ip);
      }
      await this.lock.transaction((manager) => write(manager, batch, ips));
    } catch (error) {
      // Kept for the next flush: counts are added, so nothing is lost or doubled.
      this.ended = [...batch, ...this.ended];
      this.logger.warn(`Could not write key usage: ${String(error)}`);
    } finally {
      this.writing = [];
    }
  }
}

function emptyDay(keyId: string, day: number): DayCounts {
  return {
    keyId,
    day,
    success: 0,
    denied: 0,
    rateLimited: 0,
    routes: new Map(),
    lastAddress: undefined,
    lastForwarded: undefined,
  };
}

/** Rows read and written per statement: under SQLite's limit of bound parameters. */
const CHUNK = 400;

/**
 * Adds each day's counts to its row (created when missing). Inside the write
 * lock's transaction, which on PostgreSQL is also a database lock: instances
 * adding to the same row take turns, so none overwrites another's counts.
 */
async function write(
  manager: EntityManager,
  batch: DayCounts[],
  lastIps: Map<string, string>,
) {
  for (let i = 0; i < batch.length; i += CHUNK) {
    await writeChunk(manager, batch.slice(i, i + CHUNK));
  }
  for (const [id, ip] of lastIps) {
    await manager.update(ApiKey, { id }, { lastUsedIp: ip });
  }
}

async function writeChunk(manager: EntityManager, batch: DayCounts[]) {
  const existing = await manager.findBy(ApiKeyUsage, {
    keyId: In([...new Set(batch.map((counts) => counts.keyId))]),
    day: In([...new Set(batch.map((counts) => dateOf(counts.day)))]),
  });
  const rows = new Map(existing.map((row) => [`${row.keyId} ${row.day}`, row]));
  const added = new Map<string, ApiKeyUsage>();
  const updated = new Set<ApiKeyUsage>();
  for (const counts of batch) {
    const id = `${counts.keyId} ${dateOf(counts.day)}`;
    const row = rows.get(id) ?? added.get(id) ?? newRow(counts);
    if (rows.has(id)) updated.add(row);
    else added.set(id, row);
    addTo(row, counts);
  }
  if (added.size > 0) await manager.insert(ApiKeyUsage, [...added.values()]);
  for (const row of updated) {
    const { keyId, day, ...values } = row;
    await manager.update(ApiKeyUsage, { keyId, day }, values);
  }
}

function newRow(counts: DayCounts): ApiKeyUsage {
  return Object.assign(new ApiKeyUsage(), {
    keyId: counts.keyId,
    day: dateOf(counts.day),
    success: 0,
    denied: 0,
    rateLimited: 0,
    routes: {},
    privileges: [],
  });
}

function addTo(row: ApiKeyUsage, counts: DayCounts): void {
  row.success += counts.success;
  row.denied += counts.denied;
  row.rateLimited += counts.rateLimited;
  const privileges = new Set(row.privileges);
  for (const [route, n] of counts.routes) {
    row.routes[route.label] = (row.routes[route.label] ?? 0) + n;
    for (const privilege of route.privileges) privileges.add(privilege);
  }
  row.privileges = [...privileges];
}
