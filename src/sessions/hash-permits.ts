import { Injectable } from '@nestjs/common';
import { AppError } from '../http/app-error';
import { Semaphore } from '../concurrency/semaphore';

/**
 * One Argon2id hash at a time, each followed by a rest as long as it took
 * (about 35 ms here, so some 15 logins a second under a flood):
 * it runs on libuv's thread pool, which node-sqlite3 shares, and on a small
 * machine every other core is the event loop's. Beyond the few waiting, 429.
 */
export const LOGIN_HASH_CONCURRENCY = 1;
/** Logins that may wait for the hash permit (a few hashes' time); beyond them, 429 at once. */
export const LOGIN_HASH_QUEUE = 7;

/**
 * The permits of password checks (SPEC §4: hashes computed at once are
 * capped): logins and the current password of a password change share them,
 * so neither can be used to load the server past the cap.
 */
@Injectable()
export class HashPermits {
  readonly semaphore = new Semaphore(LOGIN_HASH_CONCURRENCY, LOGIN_HASH_QUEUE);

  /**
   * Runs `work` (which hashes) holding a permit, after a short bounded wait,
   * or refuses at once: a flood must not queue hashes without bound.
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const permit = this.semaphore.acquire();
    if (!permit) {
      throw AppError.tooManyRequests(
        'too_many_login_attempts',
        'Too many logins at once; try again in a moment.',
        1,
      );
    }
    const release = await permit;
    const started = performance.now();
    try {
      return await work();
    } finally {
      // The permit rests as long as the hash took before the next one may
      // start: a flood of logins keeps hashing to half of one core, and the
      // other half (on a small machine, the event loop's) serves requests.
      // A login with nobody waiting is not delayed.
      setTimeout(release, performance.now() - started).unref();
    }
  }
}
