import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('grants at most max at once, queues up to maxWaiting, refuses the rest at once', async () => {
    const semaphore = new Semaphore(2, 1);
    const a = await semaphore.acquire();
    await semaphore.acquire();
    const waiting = semaphore.acquire();
    expect(waiting).not.toBeNull();
    expect(semaphore.acquire()).toBeNull();
    expect({ inUse: semaphore.inUse, queued: semaphore.queued }).toEqual({
      inUse: 2,
      queued: 1,
    });
    a!();
    await waiting;
    expect({ inUse: semaphore.inUse, queued: semaphore.queued }).toEqual({
      inUse: 2,
      queued: 0,
    });
    expect(semaphore.peak).toBe(2);
  });

  it('never has more than max holders however many ask at once', async () => {
    const semaphore = new Semaphore(3, 5);
    const asked = Array.from({ length: 50 }, () => semaphore.acquire());
    expect(asked.filter((a) => a === null)).toHaveLength(42);
    const releases = await Promise.all(
      asked.filter((a) => a !== null).slice(0, 3),
    );
    for (const release of releases) release();
    await Promise.resolve();
    expect(semaphore.inUse).toBe(3);
    expect(semaphore.peak).toBe(3);
  });

  it('ignores a second release of the same permit', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire()!;
    release();
    release();
    expect(semaphore.inUse).toBe(0);
    await semaphore.acquire();
    expect(semaphore.acquire()).toBeNull();
  });
});
