import { prng } from '../../test/helpers/prng';
import { SlidingWindow } from './sliding-window';

const WINDOW = 1000;

function hits(
  window: SlidingWindow,
  key: string,
  n: number,
  limit: number,
  now: number,
) {
  return Array.from({ length: n }, () =>
    window.tryHit(key, limit, WINDOW, now),
  );
}

describe('SlidingWindow', () => {
  describe('tryHit', () => {
    it('allows exactly `limit` hits within one window and refuses the rest', () => {
      const window = new SlidingWindow();
      const results = hits(window, 'k', 12, 5, 0);
      expect(results.map((r) => r.allowed)).toEqual([
        ...Array<boolean>(5).fill(true),
        ...Array<boolean>(7).fill(false),
      ]);
      expect(results.map((r) => r.count)).toEqual([
        1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5,
      ]);
    });

    it('refuses the (limit+1)th hit anywhere in the same sliding window, not only at one instant', () => {
      const window = new SlidingWindow();
      for (const at of [0, 200, 400]) {
        expect(window.tryHit('k', 3, WINDOW, at).allowed).toBe(true);
      }
      expect(window.tryHit('k', 3, WINDOW, 999).allowed).toBe(false);
    });

    it('does not record refused hits, so hammering while blocked does not delay the next window', () => {
      const window = new SlidingWindow();
      hits(window, 'k', 3, 3, 0);
      for (let at = 1; at < WINDOW; at += 7) {
        expect(window.tryHit('k', 3, WINDOW, at).allowed).toBe(false);
      }
      const next = hits(window, 'k', 5, 3, WINDOW);
      expect(next.map((r) => r.allowed)).toEqual([
        true,
        true,
        true,
        false,
        false,
      ]);
    });

    it('keeps a hit at t in the window until t+windowMs-1 and lets it leave at exactly t+windowMs', () => {
      const window = new SlidingWindow();
      expect(window.tryHit('k', 1, WINDOW, 5000).allowed).toBe(true);
      expect(window.peek('k', 1, WINDOW, 5000 + WINDOW - 1).count).toBe(1);
      expect(window.tryHit('k', 1, WINDOW, 5000 + WINDOW - 1).allowed).toBe(
        false,
      );
      expect(window.peek('k', 1, WINDOW, 5000 + WINDOW).count).toBe(0);
      expect(window.tryHit('k', 1, WINDOW, 5000 + WINDOW).allowed).toBe(true);
    });

    it('cannot let 2×limit through across a wall-clock second boundary (the fixed-window flaw)', () => {
      const window = new SlidingWindow();
      expect(hits(window, 'k', 4, 4, 900).every((r) => r.allowed)).toBe(true);
      expect(hits(window, 'k', 4, 4, 1100).some((r) => r.allowed)).toBe(false);
      expect(window.tryHit('k', 4, WINDOW, 1899).allowed).toBe(false);
      expect(hits(window, 'k', 4, 4, 1900).every((r) => r.allowed)).toBe(true);
    });

    it('keeps the logs of different keys apart', () => {
      const window = new SlidingWindow();
      hits(window, 'a', 2, 2, 0);
      expect(window.tryHit('a', 2, WINDOW, 0).allowed).toBe(false);
      expect(window.tryHit('b', 2, WINDOW, 0)).toMatchObject({
        allowed: true,
        count: 1,
      });
    });
  });

  describe('msUntilAllowed and msUntilOldestLeaves', () => {
    it('are 0 on an empty window', () => {
      const window = new SlidingWindow();
      expect(window.peek('none', 3, WINDOW, 123)).toEqual({
        count: 0,
        msUntilAllowed: 0,
        msUntilOldestLeaves: 0,
      });
    });

    it('report 0 ms until allowed while there is room, and when the oldest hit leaves', () => {
      const window = new SlidingWindow();
      window.tryHit('k', 3, WINDOW, 100);
      expect(window.tryHit('k', 3, WINDOW, 300)).toEqual({
        allowed: true,
        count: 2,
        msUntilAllowed: 0,
        msUntilOldestLeaves: 800,
      });
    });

    it('report when the hit that frees a slot leaves once the window is full', () => {
      const window = new SlidingWindow();
      window.tryHit('k', 3, WINDOW, 0);
      window.tryHit('k', 3, WINDOW, 200);
      // The window is full after this one: the next hit fits when the one at 0 leaves.
      expect(window.tryHit('k', 3, WINDOW, 400)).toEqual({
        allowed: true,
        count: 3,
        msUntilAllowed: 600,
        msUntilOldestLeaves: 600,
      });
      expect(window.tryHit('k', 3, WINDOW, 700)).toEqual({
        allowed: false,
        count: 3,
        msUntilAllowed: 300,
        msUntilOldestLeaves: 300,
      });
      // Waiting exactly msUntilAllowed is enough.
      expect(window.tryHit('k', 3, WINDOW, 1000).allowed).toBe(true);
    });
  });

  describe('a lowered limit', () => {
    it('refuses until the window holds fewer hits than the new limit, and says when that is', () => {
      const window = new SlidingWindow();
      for (const at of [0, 100, 200, 300, 400, 500]) {
        window.tryHit('k', 10, WINDOW, at);
      }
      // Six hits, new limit 2: five must leave, the fifth (at 400) leaves at 1400.
      expect(window.tryHit('k', 2, WINDOW, 600)).toEqual({
        allowed: false,
        count: 6,
        msUntilAllowed: 800,
        msUntilOldestLeaves: 400,
      });
      expect(window.tryHit('k', 2, WINDOW, 1399).allowed).toBe(false);
      expect(window.tryHit('k', 2, WINDOW, 1400)).toMatchObject({
        allowed: true,
        count: 2,
      });
      expect(window.tryHit('k', 2, WINDOW, 1400).allowed).toBe(false);
    });

    it('lets a raised limit through at once', () => {
      const window = new SlidingWindow();
      hits(window, 'k', 2, 2, 0);
      expect(window.tryHit('k', 2, WINDOW, 10).allowed).toBe(false);
      expect(hits(window, 'k', 3, 5, 10).map((r) => r.allowed)).toEqual([
        true,
        true,
        true,
      ]);
      expect(window.tryHit('k', 5, WINDOW, 10).allowed).toBe(false);
    });
  });

  describe('hit (unconditional)', () => {
    it('records every hit, even beyond the limit', () => {
      const window = new SlidingWindow();
      for (let i = 0; i < 4; i++) window.hit('k', 2, WINDOW, 0);
      expect(window.peek('k', 2, WINDOW, 0)).toMatchObject({
        count: 4,
        msUntilAllowed: WINDOW,
      });
      expect(window.tryHit('k', 2, WINDOW, 999).allowed).toBe(false);
      expect(window.tryHit('k', 2, WINDOW, WINDOW).allowed).toBe(true);
    });
  });

  describe('forget and sweep', () => {
    it('forget drops a key, so it starts over with a full allowance', () => {
      const window = new SlidingWindow();
      hits(window, 'k', 3, 3, 0);
      hits(window, 'other', 1, 3, 0);
      window.forget('k');
      expect(window.size).toBe(1);
      expect(hits(window, 'k', 3, 3, 1).every((r) => r.allowed)).toBe(true);
      // Forgetting one key leaves the others alone.
      expect(window.peek('other', 3, WINDOW, 1).count).toBe(1);
    });

    it('forget of an unknown key is harmless', () => {
      const window = new SlidingWindow();
      expect(() => window.forget('nobody')).not.toThrow();
      expect(window.size).toBe(0);
    });

    it('sweep drops every key whose hits have all left the window and keeps the active ones', () => {
      const window = new SlidingWindow();
      for (let i = 0; i < 1000; i++) window.tryHit(`idle-${i}`, 5, WINDOW, 0);
      window.tryHit('busy', 5, WINDOW, 0);
      window.tryHit('busy', 5, WINDOW, 600);
      window.tryHit('edge', 5, WINDOW, 1);
      expect(window.size).toBe(1002);

      window.sweep(WINDOW, WINDOW);
      // idle-* hit at 0 have left at 1000; busy's newest (600) and edge's (1) have not.
      expect(window.size).toBe(2);
      expect(window.peek('busy', 5, WINDOW, WINDOW).count).toBe(1);
      expect(window.peek('edge', 5, WINDOW, WINDOW).count).toBe(1);

      window.sweep(WINDOW, 1600);
      expect(window.size).toBe(0);
    });

    it('keeps memory bounded by activity: a long stream on one key holds at most the live hits', () => {
      const window = new SlidingWindow();
      const peek = () =>
        (window as unknown as { logs: Map<string, { times: number[] }> }).logs;
      for (let at = 0; at < 100_000; at += 10) window.tryHit('k', 50, 100, at);
      // 50 allowed per 100 ms; the log is compacted, not grown forever.
      expect(peek().get('k')!.times.length).toBeLessThanOrEqual(200);
    });
  });

  describe('against a brute-force reference model', () => {
    interface Case {
      seed: number;
      windowMs: number;
      maxStep: number;
    }
    const cases: Case[] = [
      { seed: 1, windowMs: 1000, maxStep: 120 },
      { seed: 2, windowMs: 1000, maxStep: 40 },
      { seed: 3, windowMs: 50, maxStep: 20 },
      { seed: 4, windowMs: 1, maxStep: 2 },
      { seed: 5, windowMs: 60_000, maxStep: 5000 },
      { seed: 6, windowMs: 1000, maxStep: 1500 },
    ];

    it.each(cases)(
      'decides every hit as "allowed hits in (now - window, now] < limit" (seed $seed, window $windowMs ms)',
      ({ seed, windowMs, maxStep }) => {
        const random = prng(seed);
        const window = new SlidingWindow();
        const keys = ['a', 'b', 'c'];
        const allowedAt = new Map<string, number[]>(keys.map((k) => [k, []]));
        const limits = new Map<string, number>(
          keys.map((k) => [k, 1 + Math.floor(random() * 10)]),
        );
        let now = 1_000_000;
        let allowedTotal = 0;
        let refusedTotal = 0;

        for (let i = 0; i < 5000; i++) {
          // Bursts at one instant are common: a third of the steps do not move time.
          if (random() > 0.33) now += Math.floor(random() * maxStep);
          const key = keys[Math.floor(random() * keys.length)];
          if (random() < 0.01) {
            limits.set(key, 1 + Math.floor(random() * 10));
          }
          const limit = limits.get(key)!;

          const inWindow = allowedAt
            .get(key)!
            .filter((at) => at > now - windowMs);
          const expected = inWindow.length < limit;
          const result = window.tryHit(key, limit, windowMs, now);

          if (expected) inWindow.push(now);
          const want = {
            allowed: expected,
            count: inWindow.length,
            msUntilAllowed:
              inWindow.length < limit
                ? 0
                : inWindow[inWindow.length - limit] + windowMs - now,
            msUntilOldestLeaves:
              inWindow.length === 0 ? 0 : inWindow[0] + windowMs - now,
          };
          // expect() only on a difference: 30 000 matcher calls would be slow.
          if (JSON.stringify(result) !== JSON.stringify(want)) {
            expect({ step: i, now, key, limit, ...result }).toEqual({
              step: i,
              now,
              key,
              limit,
              ...want,
            });
          }

          allowedAt.set(key, inWindow);
          if (expected) allowedTotal++;
          else refusedTotal++;
          if (random() < 0.02) window.sweep(windowMs, now);
        }
        // The run exercised both outcomes, or it proved nothing.
        expect(allowedTotal).toBeGreaterThan(100);
        expect(refusedTotal).toBeGreaterThan(100);
      },
    );
  });
});
