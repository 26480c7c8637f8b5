import { Clock } from '../../src/time/clock';
import { Change, ChangeBus } from '../../src/bus/change-bus';
import { InMemoryRateLimitStore } from '../../src/rate-limits/rate-limit.store';
import { CHANGES_CHANNEL, RedisLink } from '../../src/redis/redis-link';
import { RedisRateLimitStore } from '../../src/redis/redis-rate-limit.store';
import { startRedis, type RedisServer } from './support/redis-server';

/**
 * The Redis pieces against a real redis-server: two "instances" (each a link
 * and a store, as two processes would have) share limits, counters and
 * changes; with Redis gone each answers at once on its own.
 */
let redis: RedisServer;

interface Instance {
  changes: ChangeBus;
  link: RedisLink;
  store: RedisRateLimitStore;
  seen: Change[];
}

const instances: Instance[] = [];

async function instance(): Promise<Instance> {
  const changes = new ChangeBus();
  const seen: Change[] = [];
  changes.subscribe((c) => seen.push(c));
  const link = new RedisLink(redis.url, changes);
  await link.onModuleInit();
  const store = new RedisRateLimitStore(
    link,
    new InMemoryRateLimitStore(new Clock()),
  );
  const made = { changes, link, store, seen };
  instances.push(made);
  return made;
}

async function until(what: string, ok: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let n = 0;
const fresh = () => `test:${process.pid}:${++n}`;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const i of instances) {
    i.store.onModuleDestroy();
    await i.link.onApplicationShutdown();
  }
  await redis?.stop();
});

describe('RedisRateLimitStore', () => {
  let a: Instance;
  let b: Instance;
  beforeAll(async () => {
    a = await instance();
    b = await instance();
  });

  it('is exact across instances: of 50 simultaneous hits over two on a limit of 10, exactly 10 pass', async () => {
    const key = fresh();
    const records = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? a : b).store.increment(key, 1000, 10),
      ),
    );
    expect(records.filter((r) => !r.isBlocked)).toHaveLength(10);
    const blocked = records.filter((r) => r.isBlocked);
    expect(blocked).toHaveLength(40);
    expect(blocked.every((r) => r.totalHits === 10)).toBe(true);
    expect(blocked.every((r) => r.timeToBlockExpire >= 1)).toBe(true);
  });

  it('slides: a hit leaves the window exactly one window after it was made', async () => {
    const key = fresh();
    for (let i = 0; i < 3; i++) await a.store.increment(key, 300, 3);
    expect((await b.store.increment(key, 300, 3)).isBlocked).toBe(true);
    await new Promise((r) => setTimeout(r, 350));
    expect(await b.store.increment(key, 300, 3)).toMatchObject({
      isBlocked: false,
      totalHits: 1,
    });
  });

  it("peeks at another instance's window without taking a slot", async () => {
    const key = fresh();
    await a.store.increment(key, 1000, 2);
    expect(await b.store.peek(key, 1000, 2)).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
    await b.store.increment(key, 1000, 2);
    expect(await a.store.peek(key, 1000, 2)).toMatchObject({
      totalHits: 2,
      isBlocked: true,
    });
    expect((await a.store.peek(key, 1000, 2)).timeToBlockExpire).toBe(1);
  });

  it('shares failure counters, says when the oldest leaves, and forgets on request', async () => {
    const key = fresh();
    await a.store.record(key, 2, 60_000);
    await b.store.record(key, 2, 60_000);
    await a.store.record(key, 2, 60_000);
    const state = await b.store.count(key, 2, 60_000);
    expect(state.count).toBe(3);
    // The 2nd-newest must leave before fewer than 2 remain: nearly a minute.
    expect(state.msUntilAllowed).toBeGreaterThan(59_000);
    expect(state.msUntilAllowed).toBeLessThanOrEqual(60_000);
    await b.store.forget(key);
    expect((await a.store.count(key, 2, 60_000)).count).toBe(0);
  });
});

describe('RedisLink change channel', () => {
  it('delivers a change published on one instance to the other, not back to itself', async () => {
    const a = await instance();
    const b = await instance();
    a.changes.publish({ kind: 'session', id: 's-1' });
    await until('b sees it', () =>
      b.seen.some((c) => c.kind === 'session' && c.id === 's-1'),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(
      a.seen.filter((c) => c.kind === 'session' && c.id === 's-1'),
    ).toHaveLength(1);
  });
});

describe('an unreadable message on the channel', () => {
  it('drops everything cached on the receiving instance instead of crashing it', async () => {
    const a = await instance();
    // As the key verifier does: a malformed change makes it throw.
    a.changes.subscribe((c) => {
      if (c.kind === 'api_key') for (const digest of c.digests) void digest;
    });
    for (const message of [
      'not json',
      JSON.stringify({ from: 'x', change: { kind: 'api_key' } }),
      JSON.stringify({ from: 'x' }),
    ]) {
      a.seen.length = 0;
      await a.link.commands.publish(CHANGES_CHANNEL, message);
      await until('a dropped its caches', () =>
        a.seen.some((c) => c.kind === 'all'),
      );
    }
  });
});

describe('with Redis stalled (SIGSTOP)', () => {
  it('makes a request wait at most one command timeout, then answers locally until Redis answers again', async () => {
    const a = await instance();
    redis.pause();
    try {
      const key = fresh();
      const started = Date.now();
      // A login's worth of calls, one after another.
      await a.store.count(key, 5, 60_000);
      await a.store.count(key, 5, 60_000);
      await a.store.record(key, 5, 60_000);
      await a.store.count(key, 5, 60_000);
      const hits = [];
      for (let i = 0; i < 5; i++)
        hits.push(await a.store.increment(key, 1000, 3));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(a.link.up).toBe(false);
      expect(a.changes.trusted).toBe(false);
      expect(hits.filter((r) => !r.isBlocked)).toHaveLength(3);
      expect(await a.link.ping()).toBe(false);
    } finally {
      redis.resume();
    }
    await until('back after the stall', () => a.link.up, 5000);
    expect(a.changes.trusted).toBe(true);
  });
});

describe('with Redis killed and restarted', () => {
  it('answers at once on its own while down, then shares limits and changes again within 5 s', async () => {
    const a = await instance();
    const b = await instance();
    expect(a.changes.trusted && b.changes.trusted).toBe(true);
    await redis.kill();
    await until('both see Redis down', () => !a.link.up && !b.link.up);
    expect(a.changes.trusted).toBe(false);
    expect(a.seen).toContainEqual({ kind: 'all' });
    expect(await a.link.ping()).toBe(false);

    // Each instance enforces the limit on its own, without waiting.
    const key = fresh();
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).store.increment(key, 1000, 3),
      ),
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(results.filter((r) => !r.isBlocked)).toHaveLength(6);
    // A change made while down is sent once the channel is back.
    a.changes.publish({ kind: 'user', userId: 42 });

    await redis.restart();
    const back = Date.now();
    await until('both reconnected', () => a.link.up && b.link.up, 5000);
    expect(Date.now() - back).toBeLessThan(5000);
    expect(a.changes.trusted && b.changes.trusted).toBe(true);
    await until('b got the change made while down', () =>
      b.seen.some((c) => c.kind === 'user' && c.userId === 42),
    );
    const shared = fresh();
    const again = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).store.increment(shared, 1000, 3),
      ),
    );
    expect(again.filter((r) => !r.isBlocked)).toHaveLength(3);
  });
});
