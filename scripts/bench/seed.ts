import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource, DataSourceOptions, EntityTarget } from 'typeorm';
import { ROOT } from './config';

// Types from src/, code from dist/: the entity classes must be
// the very ones the built data source registers, with their column
// transformers (instants as epoch ms, id lists as JSON).
type OptionsFile = typeof import('../../src/app/data-source-options');
type EventFile = typeof import('../../src/events/event.entity');
type ApiKeyFile = typeof import('../../src/api-keys/api-key.entity');
type Event = InstanceType<EventFile['Event']>;
type ApiKey = InstanceType<ApiKeyFile['ApiKey']>;

const load = async <T>(file: string) =>
  (await import(join(ROOT, 'dist', file))) as T;

/** Rows per INSERT: 17 columns x 500 stays far below SQLite's 32,766 parameters. */
const CHUNK = 500;

/**
 * The app's own data source (entities, naming, transformers) on the
 * server's SQLite file. The server may hold it open in WAL mode: wait for
 * its locks rather than fail.
 */
export async function withDataSource<T>(
  path: string,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const { dataSourceOptions } = await load<OptionsFile>(
    'app/data-source-options',
  );
  const { DataSource } = await import('typeorm');
  const options = {
    ...dataSourceOptions({ databasePath: path }),
    migrationsRun: false,
    busyTimeout: 10_000,
  } as DataSourceOptions;
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** Inserts every record through the entity's metadata, in one transaction. */
async function insertAll<T extends object>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  records: Iterable<T>,
): Promise<number> {
  let count = 0;
  await dataSource.transaction(async (manager) => {
    let chunk: T[] = [];
    const flush = async () => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(entity)
        .values(chunk)
        .updateEntity(false)
        .execute();
      count += chunk.length;
      chunk = [];
    };
    for (const record of records) {
      chunk.push(record);
      if (chunk.length === CHUNK) await flush();
    }
    if (chunk.length > 0) await flush();
  });
  return count;
}

const id = () => randomBytes(8).toString('hex');

export interface EventSeed {
  count: number;
  /** Category most events go to. */
  mainCategory: string;
  otherCategory: string;
  /** Every `otherEvery`-th event goes to `otherCategory`. */
  otherEvery: number;
  group: string;
}

/** Adds `count` events, as the Event entity describes them; answers the totals per category. */
export async function seedEvents(path: string, seed: EventSeed) {
  const { Event } = await load<EventFile>('events/event.entity');
  const now = Date.now();
  function* events(): Generator<Event> {
    for (let i = 0; i < seed.count; i++) {
      const at = new Date(now - (seed.count - i) * 1000);
      yield Object.assign(new Event(), {
        id: id(),
        createdAt: at,
        updatedAt: at,
        createdBy: 'bench',
        title: `Bench event ${i}`,
        category:
          i % seed.otherEvery === 0 ? seed.otherCategory : seed.mainCategory,
        targets: i % 2 === 0 ? [seed.group] : [],
        enabled: true,
        command: `echo ${i}`,
        notes: '',
      });
    }
  }
  return withDataSource(path, async (dataSource) => {
    const inserted = await insertAll(dataSource, Event, events());
    const repository = dataSource.getRepository(Event);
    return {
      inserted,
      main: await repository.countBy({ category: seed.mainCategory }),
      other: await repository.countBy({ category: seed.otherCategory }),
    };
  });
}

/** Adds `count` API keys, as the ApiKey entity describes them, whose secrets nobody knows. */
export async function seedApiKeys(path: string, count: number) {
  const { ApiKey } = await load<ApiKeyFile>('api-keys/api-key.entity');
  const now = new Date();
  function* keys(): Generator<ApiKey> {
    for (let i = 0; i < count; i++) {
      const secret = randomBytes(18).toString('base64url');
      yield Object.assign(new ApiKey(), {
        id: id(),
        title: `Filler key ${i}`,
        description: '',
        keyHash: createHash('sha256').update(secret).digest('hex'),
        mask: `${secret.slice(0, 4)}********${secret.slice(-4)}`,
        previousKeyHash: null,
        previousExpiresAt: null,
        active: true,
        privileges: [],
        categories: [],
        groups: [],
        roles: [],
        maxPerSec: 0,
        allowedIps: [],
        ipPolicy: 'enforce',
        expiresAt: null,
        createdAt: now,
        updatedAt: now,
        lastUsedAt: null,
        lastUsedIp: null,
        createdBy: 'bench',
      });
    }
  }
  return withDataSource(path, async (dataSource) => ({
    inserted: await insertAll(dataSource, ApiKey, keys()),
    total: await dataSource.getRepository(ApiKey).count(),
  }));
}

/** Copies a database that no process has open (its WAL too, if one was left). */
export function copyDatabase(from: string, to: string): void {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}
