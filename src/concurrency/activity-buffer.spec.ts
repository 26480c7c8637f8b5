import { ActivityBuffer } from './activity-buffer';

describe('ActivityBuffer', () => {
  it('writes the latest time of each id once per flush, however many touches', async () => {
    const buffer = new ActivityBuffer();
    for (let at = 1; at <= 1000; at++) buffer.touch('k1', at);
    buffer.touch('k2', 5);
    const write = jest.fn().mockResolvedValue(undefined);
    expect(await buffer.flush(write)).toBe(2);
    expect(write).toHaveBeenCalledTimes(1);
    expect([...(write.mock.calls[0][0] as Map<string, number>)]).toEqual([
      ['k1', 1000],
      ['k2', 5],
    ]);
    expect(await buffer.flush(write)).toBe(0);
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('keeps a batch whose write failed for the next flush, unless newer activity came', async () => {
    const buffer = new ActivityBuffer();
    buffer.touch('k1', 1);
    buffer.touch('k2', 1);
    await expect(
      buffer.flush(() => {
        buffer.touch('k2', 2);
        return Promise.reject(new Error('disk full'));
      }),
    ).rejects.toThrow('disk full');
    const write = jest.fn().mockResolvedValue(undefined);
    await buffer.flush(write);
    expect(
      Object.fromEntries(write.mock.calls[0][0] as Map<string, number>),
    ).toEqual({
      k1: 1,
      k2: 2,
    });
  });

  it('still reports activity while its batch is being written', async () => {
    const buffer = new ActivityBuffer();
    buffer.touch('k1', 7);
    let seenDuringWrite: number | undefined;
    await buffer.flush(() => {
      seenDuringWrite = buffer.unwritten('k1');
      return Promise.resolve();
    });
    expect(seenDuringWrite).toBe(7);
    expect(buffer.unwritten('k1')).toBeUndefined();
  });

  it('runs flushes one after another', async () => {
    const buffer = new ActivityBuffer();
    const order: string[] = [];
    buffer.touch('a', 1);
    const first = buffer.flush(async () => {
      order.push('first start');
      buffer.touch('b', 2);
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push('first end');
    });
    const second = buffer.flush((batch) => {
      order.push(`second ${[...batch.keys()].join()}`);
      return Promise.resolve();
    });
    await Promise.all([first, second]);
    expect(order).toEqual(['first start', 'first end', 'second b']);
  });

  it('forgets an id that no longer exists', async () => {
    const buffer = new ActivityBuffer();
    buffer.touch('gone', 1);
    buffer.forget('gone');
    const write = jest.fn().mockResolvedValue(undefined);
    expect(await buffer.flush(write)).toBe(0);
  });
});
