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
const { BucketedWindow } = require(
  join(DIST, 'rate-limits/bucketed-window'),
) as typeof import('../../src/rate-limits/bucketed-window');
const { DigestIndex, fingerprint } = require(
  join(DIST, 'cache/digest-index'),
) as typeof import('../../src/cache/digest-index');
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

/** Typed arrays keep their bytes outside the JS heap: both count. */
const used = () => {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

/** Heap growth per entry while `make` builds N entries (kept alive until measured). */
function perEntry(make: (i: number) => unknown): number {
  gc!();
  gc!();
  const before = used();
  const kept = make(N);
  gc!();
  gc!();
  const after = used();
  if (kept === undefined) throw new Error('nothing kept');
  return Math.round((after - before) / N);
}

/** Made before measuring: the digests' own garbage is not the index's. */
const prints = Int32Array.from({ length: N }, () => fingerprint(digest()));

const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

const results = {
  entries: N,
  /** A client IP with one refused credential in its 60 s window (SPEC §7's count). */
  failureWindowPerIp: perEntry((n) => {
    const window = new BucketedWindow(Infinity);
    for (let i = 0; i < n; i++) window.hit(`auth-ip:${ip(i)}`, 50, 60_000, 1);
    return window;
  }),
  /** The same at the limit: 50 refusals over the window (buckets: the same row). */
  failureWindowPerIpAt50: perEntry((n) => {
    const window = new BucketedWindow(Infinity);
    for (let i = 0; i < n; i++) {
      for (let h = 0; h < 50; h++)
        window.hit(`auth-ip:${ip(i)}`, 50, 60_000, h * 1000);
    }
    return window;
  }),
  /** A live credential in the index of live digests (SPEC §7; auth/live-credentials.ts). */
  liveIndexPerCredential: perEntry((n) => {
    const index = new DigestIndex();
    for (let i = 0; i < n; i++) index.add(prints[i]);
    return index;
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
