import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { dialectOf, jsonArrayElements } from '../database/dialect';
import type { Principal } from '../access/principal';
import {
  restrictsCategories,
  restrictsGroups,
  type ScopeMapping,
} from '../access/scope';

/**
 * The list form of the scope rule (SPEC §6), in SQL: rows out of scope are left
 * out by the query, so `total` counts only what the caller may see. It mirrors
 * `scopeDenial` in auth/scope.ts; a test runs both over the same records.
 */
export function applyScopeFilter<E extends ObjectLiteral>(
  query: SelectQueryBuilder<E>,
  mapping: ScopeMapping,
  principal: Principal,
): SelectQueryBuilder<E> {
  const alias = query.alias;
  if (mapping.category && restrictsCategories(principal)) {
    // NULL IN (…) is not true: records without a category stay hidden.
    query.andWhere(`${alias}.${mapping.category} IN (:...scopeCategories)`, {
      scopeCategories: [...principal.categories],
    });
  }
  if (mapping.groups && restrictsGroups(principal)) {
    const groups = { scopeGroups: [...principal.groups] };
    if (mapping.singleGroup) {
      query.andWhere(`${alias}.${mapping.groups} IN (:...scopeGroups)`, groups);
    } else {
      // Every group must be allowed: no element outside the caller's groups.
      const elements = jsonArrayElements(
        dialectOf(query.connection),
        `${alias}.${mapping.groups}`,
        'g',
      );
      query.andWhere(
        `NOT EXISTS (SELECT 1 FROM ${elements} WHERE g.value NOT IN (:...scopeGroups))`,
        groups,
      );
    }
  }
  return query;
}
