import { Clock } from '../time/clock';
import { InMemoryRateLimitStore, MAX_COUNTED_KEYS } from './rate-limit.store';
import { SlidingWindow } from './sliding-window';

class ManualClock extends Clock {
  constructor(private current = 1_700_000_000_000) {
    super();
  }
  override now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

describe('InMemoryRateLimitStore', () => {
  let clock: ManualClock;
  let store: InMemoryRateLimitStore;

  beforeEach(() => {
    clock = new ManualClock();
    store = new InMemoryRateLimitStore(clock);
  });
  afterEach(() => store.onModuleDestroy());

  const increment = (key: string, ttl: number, limit: number) =>
    store.increment(key, ttl, limit);

  it('counts allowed hits in totalHits and is not blocked up to the limit', async () => {
    const records = [];
    for (let i = 0; i < 3; i++) records.push(await increment('k', 1000, 3));
    expect(records.map((r) => r.totalHits)).toEqual([1, 2, 3]);
    expect(records.every((r) => !r.isBlocked)).toBe(true);
    expect(records.map((r) => r.timeToExpire)).toEqual([1, 1, 1]);
  });

  it('blocks beyond the limit without counting the refused hit, with whole seconds ≥ 1 to wait', async () => {
    for (let i = 0; i < 3; i++) await increment('k', 1000, 3);
    clock.advance(999);
    const blocked = await increment('k', 1000, 3);
    expect(blocked).toEqual({
      totalHits: 3,
      isBlocked: true,
      // 1 ms left, rounded up to a whole second, never 0.
      timeToBlockExpire: 1,
      timeToExpire: 1,
    });
    clock.advance(1);
    expect(await increment('k', 1000, 3)).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
  });

  it('rounds timeToExpire and timeToBlockExpire up to whole seconds for longer windows', async () => {
    await increment('k', 5000, 2);
    clock.advance(2000);
    const second = await increment('k', 5000, 2);
    expect(second).toMatchObject({ totalHits: 2, isBlocked: false });
    // Oldest hit (at 0) leaves at 5000: 3000 ms from now.
    expect(second.timeToExpire).toBe(3);
    clock.advance(500);
    const blocked = await increment('k', 5000, 2);
    // 2500 ms until the hit at 0 leaves → 3 s.
    expect(blocked).toEqual({
      totalHits: 2,
      isBlocked: true,
      timeToExpire: 3,
      timeToBlockExpire: 3,
    });
    for (const value of [blocked.timeToExpire, blocked.timeToBlockExpire]) {
      expect(Number.isInteger(value)).toBe(true);
    }
  });

  it('is exact under concurrency: of 50 simultaneous increments on a limit of 10, exactly 10 pass', async () => {
    const records = await Promise.all(
      Array.from({ length: 50 }, () => increment('k', 1000, 10)),
    );
    expect(records.filter((r) => !r.isBlocked)).toHaveLength(10);
    expect(records.filter((r) => r.isBlocked)).toHaveLength(40);
    expect(
      records.filter((r) => r.isBlocked).every((r) => r.timeToBlockExpire >= 1),
    ).toBe(true);
  });

  it('peeks at a window without taking a slot', async () => {
    await increment('k', 1000, 2);
    expect(store.peek('k', 1000, 2)).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
    expect(store.peek('k', 1000, 2).totalHits).toBe(1);
    await increment('k', 1000, 2);
    expect(store.peek('k', 1000, 2)).toMatchObject({
      totalHits: 2,
      isBlocked: true,
      timeToBlockExpire: 1,
    });
    clock.advance(1000);
    expect(store.peek('k', 1000, 2)).toMatchObject({
      totalHits: 0,
      isBlocked: false,
    });
    expect(store.peek('never', 1000, 2).totalHits).toBe(0);
  });

  it('keeps keys apart', async () => {
    await increment('a', 1000, 1);
    expect((await increment('a', 1000, 1)).isBlocked).toBe(true);
    expect(await increment('b', 1000, 1)).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
  });

  it('forget resets a key to a full allowance and leaves other keys alone', async () => {
    await increment('a', 1000, 2);
    await increment('a', 1000, 2);
    await increment('b', 1000, 2);
    expect((await increment('a', 1000, 2)).isBlocked).toBe(true);
    await store.forget('a');
    expect(await increment('a', 1000, 2)).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
    expect(await increment('b', 1000, 2)).toMatchObject({ totalHits: 2 });
  });

  describe('failure counters', () => {
    it('count hits in a sliding window and say when one leaves', () => {
      store.record('ip:a', 2, 60_000);
      clock.advance(10_000);
      store.record('ip:a', 2, 60_000);
      expect(store.count('ip:a', 2, 60_000)).toEqual({
        count: 2,
        msUntilAllowed: 50_000,
        msUntilOldestLeaves: 50_000,
      });
      clock.advance(50_000);
      expect(store.count('ip:a', 2, 60_000).count).toBe(1);
      expect(store.count('ip:b', 2, 60_000).count).toBe(0);
    });

    it(`remember at most ${MAX_COUNTED_KEYS} keys under a flood of distinct ones`, () => {
      for (let i = 0; i < MAX_COUNTED_KEYS + 1000; i++) {
        store.record(`ip:${i}`, 1, 60_000);
      }
      expect(store.countedKeys('ip')).toBe(MAX_COUNTED_KEYS);
      // The newest are kept, the oldest went first.
      expect(store.count(`ip:${MAX_COUNTED_KEYS + 999}`, 1, 60_000).count).toBe(
        1,
      );
      expect(store.count('ip:0', 1, 60_000).count).toBe(0);
    });

    it("bound each key space on its own: a flood of one never pushes out another's counts", () => {
      const HOUR = 3_600_000;
      for (let i = 0; i < 99; i++) store.record('mfa-user:7', 100, HOUR);
      store.record('login:vic\n10.0.0.1', 5, 60_000);
      for (let i = 0; i <= MAX_COUNTED_KEYS; i++) {
        store.record(
          `auth-ip:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`,
          50,
          60_000,
        );
      }
      expect(store.countedKeys('auth-ip')).toBe(MAX_COUNTED_KEYS);
      expect(store.count('mfa-user:7', 100, HOUR).count).toBe(99);
      expect(store.count('login:vic\n10.0.0.1', 5, 60_000).count).toBe(1);
      // The flooding space lost its own oldest.
      expect(store.count('auth-ip:10.0.0.0', 50, 60_000).count).toBe(0);
    });
  });

  describe('periodic sweep', () => {
    beforeEach(() => {
      store.onModuleDestroy();
      jest.useFakeTimers();
      store = new InMemoryRateLimitStore(clock);
    });
    afterEach(() => jest.useRealTimers());

    const logCount = () =>
      (store as unknown as { window: SlidingWindow }).window.size;

    it('drops idle keys, so memory follows activity', async () => {
      for (let i = 0; i < 100; i++) await increment(`k${i}`, 1000, 5);
      expect(logCount()).toBe(100);
      clock.advance(1000);
      jest.advanceTimersByTime(10_000);
      expect(logCount()).toBe(0);
    });

    it("sweeps each failure space by its own window: an hour's window keeps a minute's keys no longer", () => {
      store.record('mfa-user:1', 100, 3_600_000);
      store.record('auth-ip:10.0.0.1', 50, 60_000);
      clock.advance(60_000);
      jest.advanceTimersByTime(10_000);
      expect(store.countedKeys('auth-ip')).toBe(0);
      expect(store.count('mfa-user:1', 100, 3_600_000).count).toBe(1);
    });

    it('never drops a key whose hits are still inside its (longer) window', async () => {
      await increment('slow', 5000, 1);
      clock.advance(4000);
      jest.advanceTimersByTime(10_000);
      expect((await increment('slow', 5000, 1)).isBlocked).toBe(true);
    });
  });
});
