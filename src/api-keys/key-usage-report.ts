import { EntityManager, MoreThanOrEqual } from 'typeorm';
import { PRIVILEGE_IDS } from '../access/privileges';
import { ApiKeyUsage } from './api-key-usage.entity';
import type { ApiKey } from './api-key.entity';
import { dateOf, dayOf, type DayCounts } from './key-usage';

/** GET /api/keys/:id/usage (SPEC §19). */
export interface KeyUsageView {
  days: Array<{
    date: string;
    success: number;
    denied: number;
    rate_limited: number;
  }>;
  routes: Array<{ route: string; count: number }>;
  privileges_used: string[];
  unused_privileges: string[];
}

/** A day's counts from the database and from memory, alike. */
interface DayTotals {
  success: number;
  denied: number;
  rateLimited: number;
  routes: Record<string, number>;
  privileges: string[];
}

const fromMemory = (counts: DayCounts): DayTotals => ({
  success: counts.success,
  denied: counts.denied,
  rateLimited: counts.rateLimited,
  routes: Object.fromEntries(
    [...counts.routes].map(([route, n]) => [route.label, n]),
  ),
  privileges: [...counts.routes.keys()].flatMap((route) => route.privileges),
});

/**
 * The last `days` UTC days of a key, today included, oldest first, zeros
 * for quiet days: its rows plus what this instance has not written yet.
 * `unused_privileges`: the key's own privileges that no successful request
 * needed (`admin` counts as used only when a route required it).
 */
export async function usageReport(
  manager: EntityManager,
  key: ApiKey,
  days: number,
  now: number,
  unwritten: DayCounts[],
): Promise<KeyUsageView> {
  const today = dayOf(now);
  const first = today - days + 1;
  const rows = await manager.findBy(ApiKeyUsage, {
    keyId: key.id,
    day: MoreThanOrEqual(dateOf(first)),
  });
  const byDate = new Map<string, DayTotals[]>();
  const add = (date: string, totals: DayTotals) =>
    byDate.set(date, [...(byDate.get(date) ?? []), totals]);
  for (const row of rows) add(row.day, row);
  for (const counts of unwritten) {
    if (counts.day >= first) add(dateOf(counts.day), fromMemory(counts));
  }
  const routes = new Map<string, number>();
  const used = new Set<string>();
  const view: KeyUsageView['days'] = [];
  for (let day = first; day <= today; day++) {
    const date = dateOf(day);
    const line = { date, success: 0, denied: 0, rate_limited: 0 };
    for (const totals of byDate.get(date) ?? []) {
      line.success += totals.success;
      line.denied += totals.denied;
      line.rate_limited += totals.rateLimited;
      for (const [route, n] of Object.entries(totals.routes)) {
        routes.set(route, (routes.get(route) ?? 0) + n);
      }
      for (const privilege of totals.privileges) used.add(privilege);
    }
    view.push(line);
  }
  return {
    days: view,
    routes: [...routes]
      .map(([route, count]) => ({ route, count }))
      .sort((a, b) => b.count - a.count || a.route.localeCompare(b.route)),
    privileges_used: PRIVILEGE_IDS.filter((id) => used.has(id)),
    unused_privileges: key.privileges.filter((id) => !used.has(id)),
  };
}
