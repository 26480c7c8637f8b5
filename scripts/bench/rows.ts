import type { Fixture } from './api';
import { BenchConfig, progress } from './config';
import {
  Round,
  RowResult,
  RowSpec,
  Target,
  combine,
  measureRound,
  warmUp,
} from './load';

/** The rows of the issue, in order; row 6 is sent to the bare server. */
export function rowSpecs(f: Fixture): RowSpec[] {
  return [
    {
      id: '1',
      label: 'GET /api/health/live (public, baseline)',
      path: '/api/health/live',
      expectStatus: 200,
    },
    {
      id: '2',
      label: 'GET /api/me, X-API-Key',
      path: '/api/me',
      headers: { 'x-api-key': f.apiKey },
      expectStatus: 200,
    },
    {
      id: '3',
      label: 'GET /api/me, X-Session-ID (user)',
      path: '/api/me',
      headers: { 'x-session-id': f.sessionId },
      expectStatus: 200,
    },
    {
      id: '4',
      label: 'GET /api/me, unknown key (401)',
      path: '/api/me',
      headers: { 'x-api-key': f.unknownKey },
      expectStatus: 401,
    },
    {
      id: '5',
      label: 'GET /api/events, category key, 10k events',
      path: '/api/events',
      headers: { 'x-api-key': f.categoryKey },
      expectStatus: 200,
    },
    {
      id: '6',
      label: 'bare node:http, same JSON (ceiling)',
      path: '/api/health/live',
      expectStatus: 200,
    },
    {
      id: 'rl',
      label: 'GET /api/me, rate-limited key',
      path: '/api/me',
      headers: { 'x-api-key': f.rateLimitedKey },
      expectStatus: 200,
      extra: true,
    },
  ];
}

/**
 * A warm-up of every row (not counted), then `rounds` passes over the rows, each
 * measuring every row for durationSec / rounds.
 */
export async function measureRows(
  specs: RowSpec[],
  targetOf: (row: RowSpec) => Target,
  config: BenchConfig,
  durationSec: number,
): Promise<RowResult[]> {
  const load = { connections: config.connections };
  progress(`warm-up: ${config.warmupSec} s per row`);
  for (const spec of specs) {
    await warmUp(spec, targetOf(spec), load, config.warmupSec);
  }
  const slice = durationSec / config.rounds;
  const rounds = specs.map((): Round[] => []);
  for (let round = 1; round <= config.rounds; round++) {
    progress(
      `round ${round}/${config.rounds}: ${specs.length} rows x ${slice.toFixed(2)} s`,
    );
    for (const [i, spec] of specs.entries()) {
      rounds[i].push(await measureRound(spec, targetOf(spec), load, slice));
    }
  }
  return specs.map((spec, i) => {
    const result = combine(spec, targetOf(spec), load, rounds[i]);
    if (result.unexpected > 0) {
      progress(
        `warning: row ${spec.id}: ${result.unexpected} responses were not ${spec.expectStatus}: ${JSON.stringify(result.statusCodes)}`,
      );
    }
    return result;
  });
}
