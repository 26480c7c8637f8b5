import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomKey } from './api';
import { progress } from './config';
import { fire, type RowSpec } from './load';
import { startServer, stop } from './processes';
import { randomIp } from './rows';

/** Issue 24's measure: RSS between the 20,000th and the 100,000th request. */
export const IP_FLOOD_TARGET_MIB = 40;

export interface IpFloodResult {
  /** Which build: `this` or the baseline's commit. */
  build: string;
  requests: number;
  /** Requests sent before the first RSS reading. */
  warmup: number;
  statusCodes: Record<string, number>;
  rssAfterWarmupMiB: number;
  rssAtEndMiB: number;
  growthMiB: number;
  /** The growth over the client IPs the server remembers (at most 50,000, SPEC §7). */
  bytesPerIp: number;
}

/** The resident set of a process, from /proc (Linux). */
function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb[1]) * 1024;
}

const MiB = 1024 * 1024;
const REMEMBERED_IPS = 50_000;

/**
 * A fresh server (this build, or the one in `root`) flooded with refused
 * credentials: every request a new random key from a new random client IP
 * (TRUST_PROXY=loopback, X-Forwarded-For), as an attacker spreading guesses
 * over many addresses would. Each leaves a failure counter for its IP (SPEC
 * §7, at most 50,000 IPs) and an unknown-key cache entry (bounded). The
 * server's RSS is read after `warmup` requests and at the end: the growth
 * is what per-IP state and the garbage of the flood cost.
 */
export async function ipFloodRss(
  tempDir: string,
  build: string,
  options: { root?: string; requests: number; warmup: number },
): Promise<IpFloodResult> {
  const name = `ip-flood-${build.replace(/\W/g, '')}`;
  const server = await startServer(join(tempDir, `${name}.sqlite`), tempDir, {
    name,
    root: options.root,
  });
  try {
    const row: RowSpec = {
      id: 'ip-flood',
      label: 'a new unknown key from a new client IP each time',
      path: '/api/me',
      freshHeaders: () => ({
        'x-api-key': randomKey(),
        'x-forwarded-for': randomIp(),
      }),
      expectStatus: 401,
      group: 'floods',
    };
    const load = { connections: 50 };
    const statusCodes: Record<string, number> = {};
    const send = async (requests: number) => {
      const raw = await fire(row, server, load, { requests });
      for (const [status, { count }] of Object.entries(raw.statusCodeStats)) {
        statusCodes[status] = (statusCodes[status] ?? 0) + count;
      }
    };
    progress(`ip flood (${build}): ${options.warmup} requests, then RSS`);
    await send(options.warmup);
    const before = rssBytes(server.pid);
    progress(`ip flood (${build}): ${options.requests - options.warmup} more`);
    await send(options.requests - options.warmup);
    const after = rssBytes(server.pid);
    const ips = Math.min(REMEMBERED_IPS, options.requests);
    return {
      build,
      requests: options.requests,
      warmup: options.warmup,
      statusCodes,
      rssAfterWarmupMiB: before / MiB,
      rssAtEndMiB: after / MiB,
      growthMiB: (after - before) / MiB,
      bytesPerIp: Math.round((after - before) / ips),
    };
  } finally {
    await stop(server);
  }
}

export function ipFloodLines(results: IpFloodResult[]): string[] {
  return [
    `RSS under a flood of refused keys, a new client IP each (the ${results[0]?.warmup ?? 0}th to the ${results[0]?.requests ?? 0}th request; target < ${IP_FLOOD_TARGET_MIB} MiB growth, issue 24):`,
    ...results.map(
      (r) =>
        `  ${r.build}: ${r.rssAfterWarmupMiB.toFixed(1)} -> ${r.rssAtEndMiB.toFixed(1)} MiB, growth ${r.growthMiB.toFixed(1)} MiB (${r.bytesPerIp} B per remembered IP) ${r.growthMiB < IP_FLOOD_TARGET_MIB ? '✓' : '✗'}; statuses ${JSON.stringify(r.statusCodes)}`,
    ),
  ];
}
