import { randomBytes } from 'node:crypto';
import {
  ALPHANUMERIC,
  TOKEN_PATTERN,
  newId,
  newToken,
  randomString,
  safeEqual,
  sha256Hex,
} from './secrets';

/** Pearson's chi-square statistic of character counts against a uniform distribution. */
function chiSquare(text: string, alphabet: string): number {
  const counts = new Map<string, number>();
  for (const char of alphabet) counts.set(char, 0);
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  const expected = text.length / alphabet.length;
  let sum = 0;
  for (const count of counts.values())
    sum += (count - expected) ** 2 / expected;
  return sum;
}

/** What randomString would be without rejection sampling: `byte % 62`. */
function moduloBiased(length: number): string {
  return [...randomBytes(length)]
    .map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length])
    .join('');
}

// 62 symbols: 61 degrees of freedom. The 0.1% critical value is about 100.9;
// an unbiased generator stays near 61 (sd ~11), so 200 is never reached by
// chance (p < 1e-15), while `byte % 62` over 620,000 characters scores ~4000.
const SAMPLE = 620_000;
const CHI_SQUARE_LIMIT = 200;

describe('randomString', () => {
  it('returns exactly the requested number of characters', () => {
    for (const length of [0, 1, 20, 24, 40, 128, 1000]) {
      expect(randomString(length)).toHaveLength(length);
    }
  });

  it('uses only [A-Za-z0-9] by default', () => {
    expect(randomString(10_000)).toMatch(/^[A-Za-z0-9]+$/);
  });

  it('has exactly the 62 characters of [A-Za-z0-9] in its alphabet', () => {
    expect(new Set(ALPHANUMERIC).size).toBe(62);
    expect([...ALPHANUMERIC].sort().join('')).toBe(
      [
        ...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
      ].join(''),
    );
  });

  it('draws every one of the 62 characters', () => {
    expect(new Set(randomString(20_000)).size).toBe(62);
  });

  it('draws from a custom alphabet only', () => {
    const text = randomString(5000, 'abc');
    expect(text).toMatch(/^[abc]+$/);
    expect(new Set(text).size).toBe(3);
  });

  it('refuses alphabets of fewer than 2 or more than 256 symbols', () => {
    expect(() => randomString(5, 'a')).toThrow(RangeError);
    expect(() => randomString(5, 'x'.repeat(257))).toThrow(RangeError);
  });

  it('returns a different string on each call', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => randomString(24)));
    expect(seen.size).toBe(1000);
  });

  it('has no modulo bias: the character counts pass a chi-square test', () => {
    const statistic = chiSquare(randomString(SAMPLE), ALPHANUMERIC);
    expect(statistic).toBeLessThan(CHI_SQUARE_LIMIT);
  });

  it('uses a chi-square test that does catch a modulo-biased generator', () => {
    const statistic = chiSquare(moduloBiased(SAMPLE), ALPHANUMERIC);
    expect(statistic).toBeGreaterThan(CHI_SQUARE_LIMIT * 5);
  });
});

describe('newToken', () => {
  it('is 43 base64url characters, 256 bits', () => {
    const token = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('matches TOKEN_PATTERN, which refuses other shapes', () => {
    expect(newToken()).toMatch(TOKEN_PATTERN);
    expect('a'.repeat(42)).not.toMatch(TOKEN_PATTERN);
    expect('a'.repeat(44)).not.toMatch(TOKEN_PATTERN);
    expect(`${'a'.repeat(42)}=`).not.toMatch(TOKEN_PATTERN);
    expect(`${'a'.repeat(42)}+`).not.toMatch(TOKEN_PATTERN);
  });

  it('never repeats', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => newToken()));
    expect(seen.size).toBe(1000);
  });
});

describe('newId', () => {
  it('is 16 characters of [a-z0-9]', () => {
    expect(newId()).toMatch(/^[a-z0-9]{16}$/);
  });
});

describe('sha256Hex', () => {
  it('returns the SHA-256 of the known test vectors as lower-case hex', () => {
    expect(sha256Hex('')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('hashes the UTF-8 bytes of the string, not Latin-1', () => {
    // printf 'é' | sha256sum (UTF-8: c3 a9); Latin-1 e9 would give de2e331d…
    expect(sha256Hex('é')).toBe(
      '4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c',
    );
  });
});

describe('safeEqual', () => {
  it('is true for equal strings', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('', '')).toBe(true);
  });

  it('is false for different strings of the same length', () => {
    expect(safeEqual('abc', 'abd')).toBe(false);
  });

  it('is false for a prefix or a longer string', () => {
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('abcd', 'abc')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
  });

  it('is case-sensitive', () => {
    expect(safeEqual('ABC', 'abc')).toBe(false);
  });
});
