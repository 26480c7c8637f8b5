import { type Repository, type SelectQueryBuilder } from 'typeorm';
import {
  asciiLower,
  containsPattern,
  dialectOf,
  foldAscii,
} from '../database/dialect';
import { parseInstant } from '../time/instants';
import type { KeyListQuery } from './api-key.dto';
import { ApiKey } from './api-key.entity';

/**
 * GET /api/keys with SPEC §19's filters, as one query of the same meaning
 * on both databases. `status` is read against the clock: `active` is
 * enabled and not expired, `expired` enabled and past expires_at,
 * `disabled` disabled whatever its expiry.
 */
export function keyListQuery(
  keys: Repository<ApiKey>,
  query: KeyListQuery,
  now: number,
): SelectQueryBuilder<ApiKey> {
  const q = keys
    .createQueryBuilder('k')
    .orderBy('k.createdAt', 'ASC')
    .addOrderBy('k.id', 'ASC')
    .skip(query.offset)
    .take(query.limit);
  if (query.status === 'disabled') {
    q.andWhere('k.active = :off', { off: false });
  } else if (query.status !== undefined) {
    q.andWhere('k.active = :on', { on: true, now });
    q.andWhere(
      query.status === 'active'
        ? '(k.expiresAt IS NULL OR k.expiresAt > :now)'
        : 'k.expiresAt IS NOT NULL AND k.expiresAt <= :now',
    );
  }
  if (query.expires_before !== undefined) {
    q.andWhere('k.expiresAt IS NOT NULL AND k.expiresAt < :before', {
      before: parseInstant(query.expires_before).getTime(),
    });
  }
  if (query.q) {
    const dialect = dialectOf(keys.manager);
    const like = (column: string) =>
      `${asciiLower(dialect, column)} LIKE :q ESCAPE '\\'`;
    q.andWhere(
      `(${like('k.title')} OR ${like('k.description')} OR ${like('k.id')})`,
      { q: containsPattern(foldAscii(query.q)) },
    );
  }
  return q;
}
