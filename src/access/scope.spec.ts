import { AppError } from '../http/app-error';
import type { Principal } from './principal';
import { assertInScope, scopeDenial, scopeOf } from './scope';

const principal = (over: Partial<Principal> = {}): Principal => ({
  type: 'api_key',
  id: 'k1',
  name: 'CI deploy',
  privileges: [],
  categories: [],
  groups: [],
  roles: [],
  maxPerSec: 0,
  expiresAt: null,
  ...over,
});

describe('scopeDenial', () => {
  it('lets an unrestricted caller reach anything, null categories included', () => {
    const p = principal();
    expect(
      scopeDenial(p, { category: 'prod', groups: ['web', 'db'] }),
    ).toBeNull();
    expect(scopeDenial(p, { category: null })).toBeNull();
  });

  it('lets admin reach anything whatever its lists say', () => {
    const p = principal({
      privileges: ['admin'],
      categories: ['x'],
      groups: ['y'],
    });
    expect(scopeDenial(p, { category: 'prod', groups: ['db'] })).toBeNull();
    expect(scopeDenial(p, { category: null })).toBeNull();
  });

  it('denies a category outside the list and names it', () => {
    const p = principal({ categories: ['prod'] });
    expect(scopeDenial(p, { category: 'prod' })).toBeNull();
    expect(scopeDenial(p, { category: 'dev' })).toEqual({ category: 'dev' });
  });

  it('denies a null category to a category-restricted caller only', () => {
    expect(
      scopeDenial(principal({ categories: ['prod'] }), { category: null }),
    ).toEqual({
      category: null,
    });
    expect(
      scopeDenial(principal({ groups: ['web'] }), { category: null }),
    ).toBeNull();
  });

  it('requires every group to be allowed and names only the forbidden ones', () => {
    const p = principal({ groups: ['web', 'cache'] });
    expect(scopeDenial(p, { groups: ['web', 'cache'] })).toBeNull();
    expect(scopeDenial(p, { groups: ['web', 'db', 'mail'] })).toEqual({
      groups: ['db', 'mail'],
    });
  });

  it('allows an empty group list (nothing outside the scope)', () => {
    expect(
      scopeDenial(principal({ groups: ['web'] }), { groups: [] }),
    ).toBeNull();
  });

  it('ignores a dimension the record does not have', () => {
    const p = principal({ categories: ['prod'], groups: ['web'] });
    expect(scopeDenial(p, { groups: ['web'] })).toBeNull();
    expect(scopeDenial(p, { category: 'prod' })).toBeNull();
    expect(scopeDenial(p, {})).toBeNull();
  });

  it('reports both dimensions when both fail', () => {
    const p = principal({ categories: ['prod'], groups: ['web'] });
    expect(scopeDenial(p, { category: 'dev', groups: ['db'] })).toEqual({
      category: 'dev',
      groups: ['db'],
    });
  });
});

describe('assertInScope', () => {
  it('throws 403 scope_denied naming the caller, the category and the groups', () => {
    const p = principal({ categories: ['prod'], groups: ['web'] });
    let error: unknown;
    try {
      assertInScope(p, { category: 'dev', groups: ['web', 'db'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.status).toBe(403);
    expect(appError.code).toBe('scope_denied');
    expect(appError.extras).toEqual({ category: 'dev', groups: ['db'] });
    expect(appError.detail).toContain('API key "CI deploy"');
    expect(appError.detail).toContain('"dev"');
    expect(appError.detail).toContain('"db"');
  });

  it('passes silently when in scope', () => {
    expect(() =>
      assertInScope(principal({ groups: ['web'] }), { groups: ['web'] }),
    ).not.toThrow();
  });
});

describe('scopeOf', () => {
  it('reads a category and a group list from their properties', () => {
    expect(
      scopeOf(
        { category: 'category', groups: 'targets' },
        {
          category: 'prod',
          targets: ['web'],
        },
      ),
    ).toEqual({ category: 'prod', groups: ['web'] });
  });

  it('reads a single group id (a group record is its own scope)', () => {
    expect(scopeOf({ groups: 'id', singleGroup: true }, { id: 'web' })).toEqual(
      {
        groups: ['web'],
      },
    );
  });

  it('keeps a null category and leaves values of the wrong type to validation', () => {
    const mapping = { category: 'category', groups: 'groups' };
    expect(
      scopeOf(mapping, { category: null, groups: ['a', 5, null] }),
    ).toEqual({
      category: null,
      groups: ['a'],
    });
    expect(scopeOf(mapping, { category: 42, groups: 'web' })).toEqual({});
  });
});
