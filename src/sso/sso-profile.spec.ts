import {
  fullNameFrom,
  grantsAfterLogin,
  groupsFrom,
  groupsFromHeader,
  mappedRights,
  sameSubject,
  usernameFrom,
} from './sso-profile';

describe('usernameFrom', () => {
  it.each([
    ['alice', 'alice'],
    ['Alice.Smith-2_x', 'Alice.Smith-2_x'],
    ['alice@example.com', 'alice_example.com'],
    ['José Núñez', 'Jos__N__ez'],
    ['  bob  ', 'bob'],
    ['a/b\\c:d', 'a_b_c_d'],
  ])('maps %j to %j', (claim, username) => {
    expect(usernameFrom(claim)).toBe(username);
  });

  it('cuts to the 64 characters a username may have', () => {
    expect(usernameFrom('x'.repeat(100))).toBe('x'.repeat(64));
  });

  it.each([undefined, null, '', '   ', 42, ['alice'], { name: 'alice' }])(
    'has no username for %j',
    (claim) => {
      expect(usernameFrom(claim)).toBeNull();
    },
  );
});

describe('fullNameFrom', () => {
  it('drops angle brackets and cuts to 200 characters', () => {
    expect(fullNameFrom('<b>Alice</b>')).toBe('bAlice/b');
    expect(fullNameFrom('n'.repeat(300))).toHaveLength(200);
  });

  it('says nothing of a missing or non-string name', () => {
    expect(fullNameFrom(undefined)).toBeUndefined();
    expect(fullNameFrom(['Alice'])).toBeUndefined();
  });
});

describe('groups', () => {
  it('takes the strings of a list, once each', () => {
    expect(groupsFrom(['ops', 'ops', 3, '', 'sre'])).toEqual(['ops', 'sre']);
  });

  it('takes a lone string as one group, and anything else as none', () => {
    expect(groupsFrom('ops')).toEqual(['ops']);
    expect(groupsFrom(undefined)).toEqual([]);
    expect(groupsFrom({ ops: true })).toEqual([]);
  });

  it('splits a header on commas', () => {
    expect(groupsFromHeader('ops, sre,,dev team')).toEqual([
      'ops',
      'sre',
      'dev team',
    ]);
    expect(groupsFromHeader(undefined)).toEqual([]);
  });
});

describe('mappedRights', () => {
  const sso = {
    groupRoles: { ops: ['operator'], sre: ['operator', 'deployer'] },
    adminGroups: ['admins'],
  };

  it('gives the roles of every group the user is in, once each', () => {
    expect(mappedRights(['ops', 'sre', 'other'], sso)).toEqual({
      roles: ['operator', 'deployer'],
      admin: false,
    });
  });

  it('gives admin to members of an admin group', () => {
    expect(mappedRights(['admins'], sso)).toEqual({ roles: [], admin: true });
  });

  it('compares group names exactly, and never reaches the prototype', () => {
    expect(mappedRights(['OPS', 'constructor', 'toString'], sso)).toEqual({
      roles: [],
      admin: false,
    });
  });
});

describe('grantsAfterLogin', () => {
  const current = {
    roles: ['old', 'operator'],
    privileges: ['run_jobs', 'admin'],
  };

  it('replaces roles and admin from the groups, keeping other privileges', () => {
    expect(
      grantsAfterLogin(current, { roles: ['operator'], admin: false }, true),
    ).toEqual({ roles: ['operator'], privileges: ['run_jobs'] });
  });

  it('only adds when not replacing', () => {
    expect(
      grantsAfterLogin(current, { roles: ['deployer'], admin: false }, false),
    ).toEqual({
      roles: ['old', 'operator', 'deployer'],
      privileges: ['run_jobs', 'admin'],
    });
  });

  it('grants admin once, either way', () => {
    const plain = { roles: [], privileges: ['admin'] };
    for (const replace of [true, false]) {
      expect(
        grantsAfterLogin(plain, { roles: [], admin: true }, replace).privileges,
      ).toEqual(['admin']);
    }
  });
});

describe('sameSubject', () => {
  const at = (issuer: string, sub: string) => ({ subject: `${issuer} ${sub}` });
  it.each([
    ['the same account', 'https://a u1', at('https://a', 'u1'), true],
    [
      'another account of the provider',
      'https://a u1',
      at('https://a', 'u2'),
      false,
    ],
    [
      'a sub that starts like the stored one',
      'https://a u1',
      at('https://a', 'u1 x'),
      false,
    ],
    ['a user not bound yet', null, at('https://a', 'u2'), true],
    [
      'a user bound at a replaced provider',
      'https://old u1',
      at('https://a', 'u2'),
      true,
    ],
    ['a sign-in without a subject (headers)', 'https://a u1', {}, true],
  ])('%s: %s', (_case, stored, profile, expected) => {
    expect(sameSubject(stored, profile)).toBe(expected);
  });
});
