import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('nestsDeeperThan', () => {
  it(`allows ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1}`, () => {
    expect(nestsDeeperThan(bytes(nested(MAX_JSON_DEPTH)))).toBe(false);
    expect(nestsDeeperThan(bytes(nested(MAX_JSON_DEPTH + 1)))).toBe(true);
  });

  it('counts objects and arrays alike', () => {
    const text = '{"a":'.repeat(40) + '[{"b":'.repeat(13) + '1';
    expect(nestsDeeperThan(bytes(text))).toBe(true);
    expect(nestsDeeperThan(bytes(text), 66)).toBe(false);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const inString = JSON.stringify({ t: '[{'.repeat(500) + '\\"[[[' });
    expect(nestsDeeperThan(bytes(inString))).toBe(false);
    const afterEscape = `["\\\\", ${nested(MAX_JSON_DEPTH)}]`;
    expect(nestsDeeperThan(bytes(afterEscape))).toBe(true);
  });

  it('depth goes back down: many shallow siblings are fine', () => {
    const wide = `[${Array(10_000)
      .fill(nested(MAX_JSON_DEPTH - 1))
      .join(',')}]`;
    expect(nestsDeeperThan(bytes(wide))).toBe(false);
  });

  it('reads decoded text (other charsets) the same way', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(nestsDeeperThan('"' + nested(500) + '"')).toBe(false);
  });

  it('is not fooled by multi-byte UTF-8 around the brackets', () => {
    const text = `["é€😀", ${'["ü",'.repeat(MAX_JSON_DEPTH)}1`;
    expect(nestsDeeperThan(bytes(text))).toBe(true);
  });
});
