import { AppError } from '../http/app-error';
import { describeCaller, isAdmin, type Principal } from './principal';

/** Where a resource keeps its scope: property names on the record, on the body, and columns. */
export interface ScopeMapping {
  /** The property holding the category id (`id` for categories themselves). */
  category?: string;
  /** The property holding group ids: a list, or one id when `singleGroup`. */
  groups?: string;
  singleGroup?: boolean;
}

/** The scope of one record: its category (null allowed for tickets) and its group ids. */
export interface ResourceScope {
  category?: string | null;
  groups?: readonly string[];
}

export interface ScopeDenial {
  category?: string | null;
  groups?: string[];
}

/** `admin` and empty lists are unrestricted (SPEC §6). */
export const restrictsCategories = (p: Principal) =>
  !isAdmin(p) && p.categories.length > 0;
export const restrictsGroups = (p: Principal) =>
  !isAdmin(p) && p.groups.length > 0;

/**
 * What of `scope` the principal may not reach, or null. Every group must be
 * allowed, not just one: xyOps passes a target list when any target is allowed,
 * which would let a group-restricted caller reach a forbidden group by listing
 * it beside an allowed one.
 */
export function scopeDenial(
  principal: Principal,
  scope: ResourceScope,
): ScopeDenial | null {
  const denial: ScopeDenial = {};
  if (scope.category !== undefined && restrictsCategories(principal)) {
    const { category } = scope;
    if (category === null || !principal.categories.includes(category)) {
      denial.category = category;
    }
  }
  if (scope.groups && restrictsGroups(principal)) {
    const outside = scope.groups.filter((g) => !principal.groups.includes(g));
    if (outside.length > 0) denial.groups = outside;
  }
  return 'category' in denial || 'groups' in denial ? denial : null;
}

export function assertInScope(
  principal: Principal,
  scope: ResourceScope,
): void {
  const denial = scopeDenial(principal, scope);
  if (denial) throw scopeRefusal(principal, denial);
}

/** The 403 scope_denied for `denial`, naming the category or groups that failed. */
export function scopeRefusal(
  principal: Principal,
  denial: ScopeDenial,
): AppError {
  const parts: string[] = [];
  if ('category' in denial) {
    parts.push(
      denial.category === null
        ? 'records without a category'
        : `category "${denial.category}"`,
    );
  }
  if (denial.groups) {
    parts.push(
      `group${denial.groups.length > 1 ? 's' : ''} ${denial.groups.map((g) => `"${g}"`).join(', ')}`,
    );
  }
  return new AppError(
    403,
    'scope_denied',
    `${describeCaller(principal)} may not act on ${parts.join(' and ')}.`,
    { ...denial },
  );
}

/** Where a kind of record keeps its scope, and what a new one starts from. */
export interface ScopeSpec {
  scope: ScopeMapping;
  /** Values a new record takes when the body leaves them out (scope included). */
  defaults: Partial<Record<string, unknown>>;
}

/**
 * What of one record the principal may not reach (SPEC §6), or null: a record
 * as stored, or as a write would leave it. What the scope check asks
 * before validation, and that every write makes again on the record it reads
 * in its own transaction (SPEC §20), so a concurrent move cannot slip between.
 */
export function recordScopeDenial(
  principal: Principal,
  resource: Pick<ScopeSpec, 'scope'>,
  record: object,
): ScopeDenial | null {
  return scopeDenial(
    principal,
    scopeOf(resource.scope, record as Record<string, unknown>),
  );
}

export function assertRecordInScope(
  principal: Principal,
  resource: Pick<ScopeSpec, 'scope'>,
  record: object,
): void {
  const denial = recordScopeDenial(principal, resource, record);
  if (denial) throw scopeRefusal(principal, denial);
}

/** The scope a record (or a request body shaped like one) declares under `mapping`. */
export function scopeOf(
  mapping: ScopeMapping,
  record: Record<string, unknown>,
): ResourceScope {
  const scope: ResourceScope = {};
  if (mapping.category) {
    const value = record[mapping.category];
    if (typeof value === 'string' || value === null) scope.category = value;
  }
  if (mapping.groups) {
    const value = record[mapping.groups];
    if (mapping.singleGroup && typeof value === 'string')
      scope.groups = [value];
    if (!mapping.singleGroup && Array.isArray(value)) {
      scope.groups = value.filter((g): g is string => typeof g === 'string');
    }
  }
  return scope;
}
