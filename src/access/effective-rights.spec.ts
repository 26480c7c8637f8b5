import {
  effectiveRights,
  type RoleRights,
  type Rights,
} from './effective-rights';

const rights = (categories: string[], privileges: string[] = []): Rights => ({
  privileges,
  categories,
  groups: categories.map((c) => `g-${c}`),
});
const role = (
  categories: string[],
  enabled = true,
  privileges: string[] = [],
): RoleRights => ({ ...rights(categories, privileges), enabled });

/** SPEC §12, case by case: own list × enabled roles' lists → the effective list ([] = unrestricted). */
const CASES: [string, string[], RoleRights[], string[]][] = [
  ['no roles, unrestricted', [], [], []],
  ['no roles, restricted', ['a'], [], ['a']],
  ['an unrestricted role keeps an unrestricted holder so', [], [role([])], []],
  [
    'a restricting role restricts an unrestricted holder',
    [],
    [role(['b'])],
    ['b'],
  ],
  [
    'an unrestricted role does not widen a restricted holder',
    ['a'],
    [role([])],
    ['a'],
  ],
  ['own and role lists are united', ['a'], [role(['b'])], ['a', 'b']],
  ['two roles are united', [], [role(['b']), role(['c'])], ['b', 'c']],
  [
    'an empty role beside a restricting one adds nothing',
    [],
    [role([]), role(['c'])],
    ['c'],
  ],
  ['a disabled role counts for nothing', [], [role(['b'], false)], []],
  ['a disabled role does not widen', ['a'], [role(['b'], false)], ['a']],
  ['duplicates appear once', ['a'], [role(['a', 'b'])], ['a', 'b']],
];

describe('effectiveRights', () => {
  it.each(CASES)('%s', (_name, own, roles, expected) => {
    const result = effectiveRights(rights(own), roles);
    expect([...result.categories].sort()).toEqual(expected);
    // Groups follow the same rule, independently.
    expect([...result.groups].sort()).toEqual(expected.map((c) => `g-${c}`));
  });

  it('unites own privileges with those of enabled roles only', () => {
    const result = effectiveRights(rights([], ['run_jobs']), [
      role([], true, ['abort_jobs', 'run_jobs']),
      role([], false, ['admin']),
    ]);
    expect([...result.privileges].sort()).toEqual(['abort_jobs', 'run_jobs']);
  });

  it('treats categories and groups as separate dimensions', () => {
    const result = effectiveRights(
      { privileges: [], categories: ['a'], groups: [] },
      [{ privileges: [], categories: [], groups: ['web'], enabled: true }],
    );
    expect(result).toEqual({
      privileges: [],
      categories: ['a'],
      groups: ['web'],
    });
  });
});
