import { BucketedWindow } from './bucketed-window';

const WINDOW = 60_000;
/** On a whole minute, so buckets (2 s each) start on even seconds from here. */
const T = 1_700_000_040_000;

describe('BucketedWindow', () => {
  it('counts hits in a sliding window and says when one leaves, as the log does on whole seconds', () => {
    const window = new BucketedWindow();
    window.hit('ip', 2, WINDOW, T);
    expect(window.hit('ip', 2, WINDOW, T + 10_000)).toEqual({
      count: 2,
      msUntilAllowed: 50_000,
      msUntilOldestLeaves: 50_000,
    });
    expect(window.peek('ip', 2, WINDOW, T + 59_999).count).toBe(2);
    expect(window.peek('ip', 2, WINDOW, T + 60_000)).toEqual({
      count: 1,
      msUntilAllowed: 0,
      msUntilOldestLeaves: 10_000,
    });
    expect(window.peek('ip', 2, WINDOW, T + 70_000).count).toBe(0);
    expect(window.peek('other', 2, WINDOW, T)).toEqual({
      count: 0,
      msUntilAllowed: 0,
      msUntilOldestLeaves: 0,
    });
  });

  it('lets a hit leave within one bucket (1/30 of the window) of its exact time, never later', () => {
    const window = new BucketedWindow();
    window.hit('ip', 1, WINDOW, T + 1_700);
    const state = window.peek('ip', 1, WINDOW, T + 1_800);
    expect(state.msUntilAllowed).toBe(58_200);
    expect(window.peek('ip', 1, WINDOW, T + 59_999).count).toBe(1);
    expect(window.peek('ip', 1, WINDOW, T + 60_000).count).toBe(0);
  });

  it('says when enough hits leave for one more to fit, the limit lowered included', () => {
    const window = new BucketedWindow();
    for (const at of [0, 0, 6_000, 20_000, 30_000])
      window.hit('ip', 10, WINDOW, T + at);
    const now = T + 40_000;
    expect(window.peek('ip', 5, WINDOW, now)).toEqual({
      count: 5,
      msUntilAllowed: 20_000,
      msUntilOldestLeaves: 20_000,
    });
    // Three must leave before a 3rd fits under a limit of 3: the one at 6 s.
    expect(window.peek('ip', 3, WINDOW, now).msUntilAllowed).toBe(26_000);
    expect(window.peek('ip', 6, WINDOW, now).msUntilAllowed).toBe(0);
  });

  it('empties the buckets a key did not use in between, however long it was idle', () => {
    const window = new BucketedWindow();
    window.hit('ip', 5, WINDOW, T);
    window.hit('ip', 5, WINDOW, T + 58_000);
    expect(window.hit('ip', 5, WINDOW, T + 62_000).count).toBe(2);
    expect(window.hit('ip', 5, WINDOW, T + 10 * WINDOW).count).toBe(1);
  });

  it('works with any window: a 3-second login window included', () => {
    const window = new BucketedWindow();
    window.hit('u', 2, 3000, T);
    window.hit('u', 2, 3000, T + 1500);
    expect(window.peek('u', 2, 3000, T + 2999).count).toBe(2);
    expect(window.peek('u', 2, 3000, T + 3000).count).toBe(1);
  });

  it('keeps keys apart, forgets, and reuses the rows it frees', () => {
    const window = new BucketedWindow();
    window.hit('a', 1, WINDOW, T);
    window.hit('b', 1, WINDOW, T);
    window.forget('a');
    expect(window.peek('a', 1, WINDOW, T).count).toBe(0);
    window.hit('c', 1, WINDOW, T);
    expect(window.peek('c', 1, WINDOW, T).count).toBe(1);
    expect(window.peek('b', 1, WINDOW, T).count).toBe(1);
  });

  it('remembers at most maxKeys, the first inserted going first, and sweeps idle keys', () => {
    const window = new BucketedWindow(1000);
    for (let i = 0; i < 1500; i++) window.hit(`ip${i}`, 1, WINDOW, T + i);
    expect(window.size).toBe(1000);
    expect(window.peek('ip0', 1, WINDOW, T + 1500).count).toBe(0);
    expect(window.peek('ip1499', 1, WINDOW, T + 1500).count).toBe(1);
    window.sweep(WINDOW, T + 1499 + WINDOW);
    expect(window.size).toBe(0);
  });

  it('saturates a bucket rather than wrap', () => {
    const window = new BucketedWindow();
    for (let i = 0; i < 70_000; i++) window.hit('flood', 1_000_000, WINDOW, T);
    expect(window.peek('flood', 1_000_000, WINDOW, T).count).toBe(65_535);
  });
});
