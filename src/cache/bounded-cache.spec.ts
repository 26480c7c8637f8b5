import { BoundedCache } from './bounded-cache';

describe('BoundedCache', () => {
  it('returns a value until its time to live has passed', () => {
    const cache = new BoundedCache<string>(10);
    cache.set('a', 'A', 1000, 500);
    expect(cache.get('a', 1499)).toBe('A');
    expect(cache.get('a', 1500)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never holds more than its bound, evicting the oldest insertion', () => {
    const cache = new BoundedCache<number>(3);
    for (let i = 0; i < 3; i++) cache.set(`k${i}`, i, 0, 1000);
    cache.set('k0', 0, 1, 1000); // re-inserted: now the newest
    cache.set('k3', 3, 2, 1000);
    expect(cache.size).toBe(3);
    expect(cache.get('k1', 3)).toBeUndefined();
    expect(cache.get('k0', 3)).toBe(0);
    for (let i = 0; i < 10_000; i++) cache.set(`flood${i}`, i, 4, 1000);
    expect(cache.size).toBe(3);
  });

  it('stores nothing when the time to live is zero', () => {
    const cache = new BoundedCache<number>(3);
    cache.set('a', 1, 0, 0);
    expect(cache.get('a', 0)).toBeUndefined();
  });

  it('deletes by key and by predicate', () => {
    const cache = new BoundedCache<{ owner: string }>(10);
    cache.set('a', { owner: 'x' }, 0, 1000);
    cache.set('b', { owner: 'y' }, 0, 1000);
    cache.set('c', { owner: 'x' }, 0, 1000);
    cache.deleteWhere((v) => v.owner === 'x');
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('c', 1)).toBeUndefined();
    expect(cache.get('b', 1)).toEqual({ owner: 'y' });
    cache.delete('b');
    expect(cache.size).toBe(0);
  });
});
