/**
 * Run as its own process (`node --expose-gc`): heap bytes per entry of the
 * per-request state that grows with keys, sessions and client IPs, measured
 * on the built classes (docs/capacity.md's memory inputs). Prints JSON.
 */
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';

type Gc = () => void;
const gc = (globalThis as { gc?: Gc }).gc;
if (!gc) throw new Error('memory.ts needs node --expose-gc');

const DIST = join(__dirname, '..', '..', 'dist');
/* eslint-disable @typescript-eslint/no-require-imports */
const { SlidingWindow } = require(
  join(DIST, 'rate-limits/sliding-window'),
) as typeof import('../../src/rate-limits/sliding-window');
const { BoundedCache } = require(
  join(DIST, 'cache/bounded-cache'),
) as typeof import('../../src/cache/bounded-cache');
const { grantedPrincipal } = require(
  join(DIST, 'access/principal'),
) as typeof import('../../src/access/principal');
const { ApiKey } = require(
  join(DIST, 'api-keys/api-key.entity'),
) as typeof import('../../src/api-keys/api-key.entity');
/* eslint-enable @typescript-eslint/no-require-imports */

const N = 20_000;
const digest = () => createHash('sha256').update(randomBytes(18)).digest('hex');

/** Heap growth per entry while `make` builds N entries (kept alive until measured). */
function perEntry(make: (i: number) => unknown): number {
  gc!();
  const before = process.memoryUsage().heapUsed;
  const kept = make(N);
  gc!();
  const after = process.memoryUsage().heapUsed;
  if (kept === undefined) throw new Error('nothing kept');
  return Math.round((after - before) / N);
}

const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

const results = {
  entries: N,
  /** A client IP with one refused credential in its 60 s window (SPEC §7's count). */
  failureWindowPerIp: perEntry((n) => {
    const window = new SlidingWindow(Infinity);
    for (let i = 0; i < n; i++) window.hit(`auth-ip:${ip(i)}`, 50, 60_000, 1);
    return window;
  }),
  /** The same at the limit: 50 refusals in the window. */
  failureWindowPerIpAt50: perEntry((n) => {
    const window = new SlidingWindow(Infinity);
    for (let i = 0; i < n; i++) {
      for (let h = 0; h < 50; h++)
        window.hit(`auth-ip:${ip(i)}`, 50, 60_000, h);
    }
    return window;
  }),
  /** A live credential's digest in a Set of hex strings (an index of live digests, SPEC §7). */
  liveDigestHexPerCredential: perEntry((n) => {
    const set = new Set<string>();
    for (let i = 0; i < n; i++) set.add(digest());
    return set;
  }),
  /** A verified key in the credential cache: its record and its principal. */
  cachedKeyPerCredential: perEntry((n) => {
    const cache = new BoundedCache<unknown>(Infinity);
    for (let i = 0; i < n; i++) {
      const key = Object.assign(new ApiKey(), {
        id: randomBytes(8).toString('hex'),
        title: `key ${i}`,
        description: '',
        keyHash: digest(),
        mask: 'abcd********wxyz',
        previousKeyHash: null,
        previousExpiresAt: null,
        active: true,
        privileges: ['create_events'],
        categories: [],
        groups: [],
        roles: [],
        maxPerSec: 0,
        expiresAt: null,
        createdAt: new Date(),
        updatedAt: new Date(),
        lastUsedAt: null,
        createdBy: 'admin',
      });
      const principal = grantedPrincipal(
        {
          type: 'api_key',
          id: key.id,
          name: key.title,
          maxPerSec: 0,
          expiresAt: null,
        },
        key,
        [],
      );
      cache.set(key.keyHash, { key, auth: { principal } }, 0, 1e12);
    }
    return cache;
  }),
};
process.stdout.write(`${JSON.stringify(results)}\n`);
