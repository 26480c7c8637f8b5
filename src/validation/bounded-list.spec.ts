import { ListRule, listProblem, quoted } from './bounded-list';

const rule = (max: number) => {
  const isItem = jest.fn((item: unknown) => typeof item === 'string');
  const listRule: ListRule = {
    max,
    isItem,
    describeInvalid: (invalid) => `bad: ${quoted(invalid)}`,
  };
  return { listRule, isItem };
};

describe('listProblem', () => {
  it('checks the length first and alone: an oversized list of 100,000 looks at no item', () => {
    const { listRule, isItem } = rule(1000);
    const huge = Array.from({ length: 100_000 }, (_, i) => i);
    expect(listProblem(huge, listRule)).toBe(
      'must contain no more than 1000 elements',
    );
    expect(isItem).not.toHaveBeenCalled();
  });

  it('looks at each item exactly once within the limit (linear, duplicates found with a Set)', () => {
    const { listRule, isItem } = rule(100_000);
    const items = Array.from({ length: 100_000 }, (_, i) => `id${i}`);
    expect(listProblem(items, listRule)).toBeNull();
    expect(isItem).toHaveBeenCalledTimes(100_000);
    items[99_999] = 'id0';
    isItem.mockClear();
    expect(listProblem(items, listRule)).toBe('must not contain duplicates');
    expect(isItem).toHaveBeenCalledTimes(100_000);
  });

  it('accepts exactly max items and refuses max + 1', () => {
    const { listRule } = rule(3);
    expect(listProblem(['a', 'b', 'c'], listRule)).toBeNull();
    expect(listProblem(['a', 'b', 'c', 'd'], listRule)).toMatch(/no more/);
  });

  it('refuses fewer than min items, and lets repeats through when the rule allows them', () => {
    const { listRule } = rule(10);
    const candidates: ListRule = { ...listRule, min: 1, duplicates: 'allowed' };
    expect(listProblem([], candidates)).toBe('must contain at least 1 element');
    expect(listProblem(['a', 'a', 'a'], candidates)).toBeNull();
    expect(listProblem(['a', 7], candidates)).toBe('bad: 7');
    expect(listProblem(['a', 'a'], listRule)).toBe(
      'must not contain duplicates',
    );
  });

  it('refuses what is not an array', () => {
    const { listRule, isItem } = rule(3);
    for (const value of ['a', { length: 1 }, null, 3]) {
      expect(listProblem(value, listRule)).toBe('must be an array');
    }
    expect(isItem).not.toHaveBeenCalled();
  });

  it('names invalid items before duplicates, a bounded few of them', () => {
    const { listRule } = rule(1000);
    const items = ['a', 'a', ...Array.from({ length: 15 }, (_, i) => i)];
    expect(listProblem(items, listRule)).toBe(
      'bad: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 5 more',
    );
  });
});
