import type { Response } from 'supertest';

/** Sends `n` requests at once (nothing awaited in between) and waits for all of them. */
export function burst(
  n: number,
  send: (index: number) => PromiseLike<Response>,
): Promise<Response[]> {
  return Promise.all(Array.from({ length: n }, (_, index) => send(index)));
}

/** How many responses had each status, e.g. `{ 200: 10, 429: 40 }`. */
export function statusCounts(responses: Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const res of responses)
    counts[res.status] = (counts[res.status] ?? 0) + 1;
  return counts;
}

/** A Retry-After value as SPEC §7/§8 require it: whole seconds, at least 1. */
export function retryAfterSeconds(res: Response): number {
  const raw = res.headers['retry-after'] as string | undefined;
  if (raw === undefined || !/^\d+$/.test(raw)) {
    throw new Error(`Retry-After is not whole seconds: ${String(raw)}`);
  }
  return Number(raw);
}
