import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import type { RequestAuth } from '../../access/request-auth';
import {
  restrictsCategories,
  restrictsGroups,
  scopeRefusal,
} from '../../access/scope';
import { needsStoredRecord, scopeRuleDenial } from '../../access/scope-rule';
import type { ScopeRule } from '../../access/scoped.decorator';
import type { AppError } from '../../http/app-error';
import type { MaybePromise } from '../../concurrency/maybe-promise';
import {
  type AccessTarget,
  type Check,
  type RouteFacts,
  SKIP,
  type Verdict,
} from './check';

/**
 * Category / server-group scope (SPEC §6) on single records. Runs after the
 * privileges check and before validation, so a restricted caller learns
 * nothing about ids outside its scope; values of the wrong type are left to
 * validation. Update checks both the stored and the new values, so a record
 * can be moved neither out of one's scope nor into it from outside.
 * Synchronous unless a restricted caller on a scoped route needs a check.
 * Its read of the stored record is outside the write's transaction: the
 * write checks that record again, with the same functions, on the one it
 * reads there (ResourceService.findInScope, SPEC §20).
 */
@Injectable()
export class ScopeCheck implements Check {
  readonly name = 'scope';

  constructor(private readonly dataSource: DataSource) {}

  run(
    auth: RequestAuth,
    route: RouteFacts,
    target: AccessTarget,
  ): MaybePromise<Verdict> {
    const rule = route.scope;
    if (!rule) return SKIP;
    const principal = auth.principal;
    if (!restrictsCategories(principal) && !restrictsGroups(principal)) {
      return null;
    }
    return this.check(rule, target, principal);
  }

  private async check(
    rule: ScopeRule,
    target: AccessTarget,
    principal: Principal,
  ): Promise<Verdict> {
    let stored: object | null = null;
    if (needsStoredRecord(principal, rule)) {
      const id = target.params.id;
      stored = await this.dataSource
        .getRepository(rule.resource.entity)
        .findOneBy({ id: typeof id === 'string' ? id : '' });
      // No such record: the handler answers 404.
      if (!stored) return null;
    }
    const denial = scopeRuleDenial(principal, rule, stored, target.body);
    return denial ? scopeRefusal(principal, denial) : null;
  }

  describe(result: 'pass' | 'skip', auth: RequestAuth) {
    if (result === 'skip') return 'The route acts on no scoped record.';
    const { principal } = auth;
    return restrictsCategories(principal) || restrictsGroups(principal)
      ? 'Every category and group involved is within the caller’s scope.'
      : 'The caller is not restricted to any category or group.';
  }

  fix(refusal: AppError): string {
    const { category, groups } = refusal.extras as {
      category?: string | null;
      groups?: string[];
    };
    const parts: string[] = [];
    if (category === null) parts.push('remove the category restriction');
    else if (category !== undefined) parts.push(`add category ${category}`);
    if (groups?.length) {
      parts.push(
        `add group${groups.length > 1 ? 's' : ''} ${groups.join(', ')}`,
      );
    }
    return parts.join(' and ');
  }
}
