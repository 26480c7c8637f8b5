import type { Principal } from './principal';
import { recordScopeDenial } from './scope';
import { scopeRuleDenial } from './scope-rule';
import type { ScopeRule, ScopedResource } from './scoped.decorator';

const principal = (over: Partial<Principal> = {}): Principal => ({
  type: 'api_key',
  id: 'k1',
  name: 'ops',
  privileges: [],
  categories: ['prod'],
  groups: [],
  roles: [],
  maxPerSec: 0,
  expiresAt: null,
  ...over,
});

const EVENT: ScopedResource = {
  noun: 'event',
  entity: class {
    id: string;
  },
  scope: { category: 'category', groups: 'targets' },
  defaults: { targets: [] },
};
const rule = (...from: ScopeRule['from']): ScopeRule => ({
  resource: EVENT,
  from,
});

describe('scopeRuleDenial', () => {
  const inProd = { id: 'e1', category: 'prod', targets: [] };
  const inDev = { id: 'e2', category: 'dev', targets: [] };

  it('denies the stored record first, then what the body would leave', () => {
    const p = principal();
    expect(scopeRuleDenial(p, rule('stored', 'body'), inDev, {})).toEqual({
      category: 'dev',
    });
    expect(
      scopeRuleDenial(p, rule('stored', 'body'), inProd, { category: 'dev' }),
    ).toEqual({ category: 'dev' });
    expect(
      scopeRuleDenial(p, rule('stored', 'body'), inProd, { title: 'x' }),
    ).toBeNull();
  });

  it('reads a new record over the defaults, and leaves no record to the handler', () => {
    const p = principal({ groups: ['web'] });
    expect(
      scopeRuleDenial(p, rule('body'), null, { category: 'prod' }),
    ).toBeNull();
    expect(
      scopeRuleDenial(p, rule('body'), null, {
        category: 'prod',
        targets: ['web', 'db'],
      }),
    ).toEqual({ groups: ['db'] });
    expect(scopeRuleDenial(p, rule('stored', 'body'), null, {})).toBeNull();
  });

  it('passes an unrestricted caller and admin without looking', () => {
    for (const p of [
      principal({ categories: [] }),
      principal({ privileges: ['admin'] }),
    ]) {
      expect(scopeRuleDenial(p, rule('stored'), inDev, {})).toBeNull();
    }
  });

  it('agrees with recordScopeDenial, the check a write makes in its transaction', () => {
    const p = principal();
    for (const record of [inProd, inDev]) {
      expect(scopeRuleDenial(p, rule('stored'), record, {})).toEqual(
        recordScopeDenial(p, EVENT, record),
      );
    }
  });
});
