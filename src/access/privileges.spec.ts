import { RequirePrivileges } from './policy.decorator';
import {
  ADMIN,
  PRIVILEGES,
  PRIVILEGE_IDS,
  effectivePrivileges,
  isPrivilege,
  missingPrivileges,
} from './privileges';
import { SPEC_CATALOG } from '../../test/helpers/spec-catalog';

describe('privilege catalog', () => {
  it('has the 47 entries of SPEC §5, with unique ids', () => {
    expect(PRIVILEGES).toHaveLength(47);
    expect(new Set(PRIVILEGE_IDS).size).toBe(PRIVILEGES.length);
  });

  it('holds exactly the ids of SPEC §5', () => {
    expect([...PRIVILEGE_IDS].sort()).toEqual([...SPEC_CATALOG].sort());
  });

  it('gives every entry a title and a description', () => {
    for (const privilege of PRIVILEGES) {
      expect(privilege.title.trim()).not.toBe('');
      expect(privilege.description.trim()).not.toBe('');
    }
  });

  it('has unique titles', () => {
    expect(new Set(PRIVILEGES.map((p) => p.title)).size).toBe(
      PRIVILEGES.length,
    );
  });

  it('titles the create/edit/delete entries after their resource', () => {
    const byId = new Map(PRIVILEGES.map((p) => [p.id, p]));
    expect(byId.get('create_web_hooks')?.title).toBe('Create Web Hooks');
    expect(byId.get('delete_buckets')?.title).toBe('Delete Storage Buckets');
    expect(byId.get('edit_groups')?.title).toBe('Edit Server Groups');
  });
});

describe('isPrivilege', () => {
  it('accepts catalog ids only', () => {
    expect(isPrivilege('admin')).toBe(true);
    expect(isPrivilege('run_jobs')).toBe(true);
    expect(isPrivilege('ADMIN')).toBe(false);
    expect(isPrivilege('run_job')).toBe(false);
    expect(isPrivilege('')).toBe(false);
  });

  it('refuses values that are not strings', () => {
    expect(isPrivilege(undefined)).toBe(false);
    expect(isPrivilege(null)).toBe(false);
    expect(isPrivilege(['admin'])).toBe(false);
    expect(isPrivilege({ toString: () => 'admin' })).toBe(false);
  });

  it('is not fooled by Object.prototype names', () => {
    expect(isPrivilege('constructor')).toBe(false);
    expect(isPrivilege('__proto__')).toBe(false);
  });
});

describe('missingPrivileges', () => {
  it('is empty when every required privilege is held', () => {
    expect(
      missingPrivileges(['run_jobs', 'create_events'], ['create_events']),
    ).toEqual([]);
  });

  it('lists every required privilege that is not held, in required order', () => {
    expect(
      missingPrivileges(
        ['run_jobs'],
        ['delete_events', 'run_jobs', 'abort_jobs'],
      ),
    ).toEqual(['delete_events', 'abort_jobs']);
  });

  it('lists all of them for a holder of none', () => {
    expect(missingPrivileges([], ['admin'])).toEqual(['admin']);
  });

  it('treats admin as holding every privilege', () => {
    expect(
      missingPrivileges([ADMIN], ['delete_events', 'bulk_export', 'admin']),
    ).toEqual([]);
  });

  it('does not let one privilege stand in for another', () => {
    expect(missingPrivileges(['edit_events'], ['delete_events'])).toEqual([
      'delete_events',
    ]);
    expect(missingPrivileges(['create_events'], ['admin'])).toEqual(['admin']);
  });

  it('is empty when nothing is required', () => {
    expect(missingPrivileges([], [])).toEqual([]);
  });
});

describe('effectivePrivileges', () => {
  it('expands admin to the whole catalog', () => {
    expect(effectivePrivileges([ADMIN])).toEqual([...PRIVILEGE_IDS]);
  });

  it('expands admin even next to other privileges', () => {
    expect(effectivePrivileges(['run_jobs', ADMIN])).toEqual([
      ...PRIVILEGE_IDS,
    ]);
  });

  it('returns what is held, in catalog order', () => {
    expect(effectivePrivileges(['run_jobs', 'create_events'])).toEqual([
      'create_events',
      'run_jobs',
    ]);
  });

  it('drops ids that are not in the catalog', () => {
    expect(effectivePrivileges(['run_jobs', 'retired_privilege'])).toEqual([
      'run_jobs',
    ]);
  });

  it('is empty for a holder of none', () => {
    expect(effectivePrivileges([])).toEqual([]);
  });

  it('returns a copy that callers cannot use to change the catalog', () => {
    const size = PRIVILEGE_IDS.length;
    const all = effectivePrivileges([ADMIN]);
    all.pop();
    expect(PRIVILEGE_IDS).toHaveLength(size);
  });
});

describe('privilege ids as a closed type', () => {
  it('refuses an id outside the catalog at compile time, and at run time', () => {
    // The typecheck (npm run typecheck) fails if this line stops being an error.
    // @ts-expect-error 'delete_evnts' is not a PrivilegeId
    expect(() => RequirePrivileges('delete_evnts')).toThrow(/catalog ids/);
    expect(() => RequirePrivileges('delete_events')).not.toThrow();
  });
});
