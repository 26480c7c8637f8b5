import type { Principal } from './principal';
import {
  recordScopeDenial,
  restrictsCategories,
  restrictsGroups,
  type ScopeDenial,
} from './scope';
import type { ScopeRule } from './scoped.decorator';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What a route's scope rule (SPEC §6) refuses, or null: the stored record
 * first, then the values the body would leave on it (over the stored record,
 * or a new record's defaults). `stored` is the record `:id` names as the
 * caller read it, null when there is none (the handler answers 404). Pure, so
 * the scope check of the decision function (before validation, for requests
 * and for POST /api/auth/explain alike) and the writes share it; each write
 * checks the stored record again, read in its own transaction
 * (ResourceService.findInScope). Values of the wrong type are left to
 * validation.
 */
export function scopeRuleDenial(
  principal: Principal,
  rule: ScopeRule,
  stored: object | null,
  body: unknown,
): ScopeDenial | null {
  if (!restrictsCategories(principal) && !restrictsGroups(principal)) {
    return null;
  }
  const { resource, from } = rule;
  if (from.includes('stored')) {
    if (!stored) return null;
    const denial = recordScopeDenial(principal, resource, stored);
    if (denial) return denial;
  }
  if (from.includes('body')) {
    const base = stored ?? resource.defaults;
    const written = { ...base, ...(isObject(body) ? body : {}) };
    return recordScopeDenial(principal, resource, written);
  }
  return null;
}

/** Whether the rule needs the stored record: a restricted caller on a `stored` rule. */
export function needsStoredRecord(principal: Principal, rule: ScopeRule) {
  return (
    rule.from.includes('stored') &&
    (restrictsCategories(principal) || restrictsGroups(principal))
  );
}
