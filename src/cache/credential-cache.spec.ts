import { CredentialCache } from './credential-cache';

const options = { maxSize: 100, ttlMs: 10_000, negativeTtlMs: 2_000 };

describe('CredentialCache', () => {
  it('loads a known credential once and serves it from memory afterwards', async () => {
    const cache = new CredentialCache<string>(options);
    const load = jest.fn().mockResolvedValue('record');
    expect(await cache.lookup('d1', 0, load)).toBe('record');
    expect(await cache.lookup('d1', 9_999, load)).toBe('record');
    expect(load).toHaveBeenCalledTimes(1);
    await cache.lookup('d1', 10_000, load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('remembers an unknown digest only for the negative time to live', async () => {
    const cache = new CredentialCache<string>(options);
    const load = jest.fn().mockResolvedValue(null);
    expect(await cache.lookup('unknown', 0, load)).toBeNull();
    expect(await cache.lookup('unknown', 1_999, load)).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
    expect(await cache.lookup('unknown', 2_000, load)).toBeNull();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('stays within its bound under a flood of unknown digests, keeping known ones', async () => {
    const cache = new CredentialCache<string>({ ...options, maxSize: 50 });
    await cache.lookup('known', 0, () => Promise.resolve('record'));
    for (let i = 0; i < 100_000; i++) {
      await cache.lookup(`random${i}`, 1, () => Promise.resolve(null));
    }
    expect(cache.sizes).toEqual({ known: 1, unknown: 50 });
    const load = jest.fn();
    expect(await cache.lookup('known', 2, load)).toBe('record');
    expect(load).not.toHaveBeenCalled();
  });

  it('drops invalidated records and forgets digests that may now be known', async () => {
    const cache = new CredentialCache<{ id: string }>(options);
    await cache.lookup('d1', 0, () => Promise.resolve({ id: 'k1' }));
    await cache.lookup('d2', 0, () => Promise.resolve({ id: 'k2' }));
    await cache.lookup('fresh', 0, () => Promise.resolve(null));
    cache.invalidate((record) => record.id === 'k1', ['fresh']);
    const load = jest.fn().mockResolvedValue({ id: 'k1' });
    await cache.lookup('d1', 1, load);
    await cache.lookup('fresh', 1, load);
    await cache.lookup('d2', 1, load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not cache what a lookup read while a change was being made', async () => {
    const cache = new CredentialCache<string>(options);
    let finish!: (value: string) => void;
    const pending = cache.lookup(
      'd1',
      0,
      () => new Promise<string>((resolve) => (finish = resolve)),
    );
    cache.invalidate(() => true);
    finish('stale');
    expect(await pending).toBe('stale');
    const load = jest.fn().mockResolvedValue('fresh');
    expect(await cache.lookup('d1', 1, load)).toBe('fresh');
  });

  it('neither reads nor fills memory while untrusted, and clear() forgets both lists', async () => {
    let trusted = true;
    const cache = new CredentialCache<string>(options, () => trusted);
    await cache.lookup('known', 0, () => Promise.resolve('record'));
    await cache.lookup('unknown', 0, () => Promise.resolve(null));
    trusted = false;
    const load = jest.fn().mockResolvedValue('fresh');
    const gate = jest.fn();
    expect(await cache.lookup('known', 1, load, gate)).toBe('fresh');
    expect(await cache.lookup('other', 1, load, gate)).toBe('fresh');
    // Even a verified credential passes the gate: nothing is verified in memory.
    expect(gate).toHaveBeenCalledTimes(2);
    trusted = true;
    // Nothing loaded while untrusted was kept.
    const reload = jest.fn().mockResolvedValue('again');
    expect(await cache.lookup('other', 2, reload)).toBe('again');
    cache.clear();
    expect(cache.sizes).toEqual({ known: 0, unknown: 0 });
    expect(await cache.lookup('known', 3, reload)).toBe('again');
    expect(reload).toHaveBeenCalledTimes(2);
  });
});
