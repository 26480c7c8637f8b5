import fc from 'fast-check';
import { isoString } from './iso-string';

describe('isoString', () => {
  it('writes what toISOString writes, for any instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(isoString(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    0,
    1,
    999,
    1000,
    Date.UTC(1000, 0, 1),
    Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    Date.UTC(2026, 1, 28, 23, 59, 59, 5),
  ])('writes %s as toISOString does', (ms) =>
    expect(isoString(ms)).toBe(new Date(ms).toISOString()),
  );

  it('refuses what is not an instant, as toISOString does', () => {
    expect(() => isoString(NaN)).toThrow(RangeError);
  });
});
