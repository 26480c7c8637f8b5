import type { Grantee, RoleRights, Rights } from './effective-rights';
import {
  MAX_HOLDERS_NAMED,
  escalationRefusal,
  gainsBeyond,
  holdersWidened,
} from './escalation';
import type { Principal } from './principal';

const caller = (over: Partial<Principal> = {}): Principal => ({
  type: 'api_key',
  id: 'k1',
  name: 'ops',
  privileges: ['edit_roles', 'run_jobs'],
  categories: ['prod'],
  groups: [],
  roles: [],
  maxPerSec: 0,
  expiresAt: null,
  ...over,
});
const rights = (over: Partial<Rights> = {}): Rights => ({
  privileges: [],
  categories: [],
  groups: [],
  ...over,
});
const role = (over: Partial<RoleRights> = {}): RoleRights => ({
  ...rights(over),
  enabled: over.enabled ?? true,
});
const holder = (
  label: string,
  roles: string[],
  own: Partial<Rights> = {},
): Grantee => ({ label, own: rights(own), roles });

describe('gainsBeyond', () => {
  it('names privileges gained that the caller lacks, not those it holds', () => {
    const before = rights({ categories: ['prod'] });
    expect(
      gainsBeyond(
        caller(),
        before,
        rights({
          privileges: ['run_jobs', 'delete_events'],
          categories: ['prod'],
        }),
      ),
    ).toEqual(['the privilege delete_events']);
  });

  it('counts lifting a restriction as every id, unless the caller is unrestricted there', () => {
    const before = rights({ categories: ['prod'], groups: ['web'] });
    const after = rights();
    expect(gainsBeyond(caller(), before, after)).toEqual(['every category']);
    expect(
      gainsBeyond(caller({ categories: [], groups: ['web'] }), before, after),
    ).toEqual(['every group']);
  });

  it('allows ids within the caller’s scope, and narrowing', () => {
    const before = rights({ categories: ['dev'] });
    expect(
      gainsBeyond(
        caller({ categories: ['prod', 'dev'] }),
        before,
        rights({ categories: ['dev', 'prod'] }),
      ),
    ).toEqual([]);
    expect(
      gainsBeyond(caller(), before, rights({ categories: ['dev', 'qa'] })),
    ).toEqual(['categories "qa"']);
    expect(
      gainsBeyond(caller(), rights(), rights({ categories: ['qa'] })),
    ).toEqual([]);
  });

  it('never widens an admin holder, never refuses an admin caller, and names admin gained', () => {
    const admin = rights({ privileges: ['admin'], categories: ['prod'] });
    expect(gainsBeyond(caller(), admin, rights())).toEqual([]);
    expect(
      gainsBeyond(
        caller({ privileges: ['admin'] }),
        rights({ categories: ['x'] }),
        rights({ privileges: ['delete_events'] }),
      ),
    ).toEqual([]);
    expect(
      gainsBeyond(caller(), rights({ categories: ['prod'] }), admin),
    ).toEqual(['the privilege admin', 'every category']);
  });
});

describe('holdersWidened', () => {
  const roles = new Map<string, RoleRights>([
    ['r', role({ categories: ['prod'] })],
    ['other', role({ categories: ['dev'] })],
    ['off', role({ categories: ['qa'], enabled: false })],
  ]);

  it('computes each holder before and after with all its roles and own lists', () => {
    const holders = [
      holder('only-r', ['r']),
      holder('r-and-other', ['r', 'other']),
      holder('r-and-own', ['r'], { categories: ['dev'] }),
      holder('r-and-disabled', ['r', 'off']),
      holder('key:k9', ['r'], { privileges: ['delete_events'] }),
    ];
    const widened = holdersWidened(
      caller({ categories: ['prod', 'dev'] }),
      holders,
      roles,
      'r',
      role({ categories: ['prod'], enabled: false }),
    );
    expect(widened.map((w) => w.label)).toEqual([
      'only-r',
      'r-and-disabled',
      'key:k9',
    ]);
  });

  it('treats a deleted role as granting nothing, and an admin caller as free', () => {
    const holders = [holder('alice', ['r'])];
    expect(holdersWidened(caller(), holders, roles, 'r', null)).toEqual([
      { label: 'alice', gains: ['every category'] },
    ]);
    expect(
      holdersWidened(
        caller({ privileges: ['admin'] }),
        holders,
        roles,
        'r',
        null,
      ),
    ).toEqual([]);
  });
});

describe('escalationRefusal', () => {
  it('is 403 escalation_denied naming at most ten holders', () => {
    const widened = Array.from({ length: 12 }, (_, i) => ({
      label: `u${i}`,
      gains: ['every category'],
    }));
    const error = escalationRefusal(caller(), widened);
    expect(error).toMatchObject({ status: 403, code: 'escalation_denied' });
    expect(error.extras.holders).toHaveLength(MAX_HOLDERS_NAMED);
    expect(error.detail).toBe(
      'API key "ops" may not make this change: it would give "u0" every category, and widen 11 other holders, beyond the caller\'s own rights.',
    );
  });
});
