import type { LogLevel } from '@nestjs/common';
import { isIP } from 'node:net';
import type { EnvReader } from './env-reader';

export type LogFormat = 'json' | 'pretty';

/** Where the server listens, whom it believes about client addresses, and what it logs. */
export interface ServerConfig {
  port: number;
  host: string;
  trustProxy: boolean | number | string | undefined;
  logLevel: LogLevel;
  /** One JSON object a line, or readable text. */
  logFormat: LogFormat;
  /** Port of the Prometheus listener on HOST; undefined: no metrics. */
  metricsPort: number | undefined;
}

const LOG_LEVELS: LogLevel[] = [
  'verbose',
  'debug',
  'log',
  'warn',
  'error',
  'fatal',
];

export function readServerConfig(read: EnvReader): ServerConfig {
  return {
    port: read.int('PORT', 3000, 0, 65535),
    host: read.string('HOST', '127.0.0.1'),
    trustProxy: readTrustProxy(read, 'TRUST_PROXY'),
    logLevel: read.oneOf('LOG_LEVEL', 'log', LOG_LEVELS),
    logFormat: read.oneOf<LogFormat>(
      'LOG_FORMAT',
      read.raw('NODE_ENV') === 'production' ? 'json' : 'pretty',
      ['json', 'pretty'],
    ),
    metricsPort: read.optionalInt('METRICS_PORT', 0, 65535),
  };
}

/** The log levels Nest should print for a minimum level. */
export function logLevelsFrom(level: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(LOG_LEVELS.indexOf(level));
}

const PROXY_PRESETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isTrustedProxy(item: string): boolean {
  if (PROXY_PRESETS.has(item)) return true;
  const [address, range, ...rest] = item.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  const bits = version === 4 ? 32 : 128;
  if (/^\d+$/.test(range)) return Number(range) <= bits;
  return version === 4 && isIP(range) === 4; // a netmask such as 255.255.255.0
}

/** Express `trust proxy`: true, false, a hop count, or addresses / subnets / presets. */
function readTrustProxy(
  read: EnvReader,
  name: string,
): boolean | number | string | undefined {
  const raw = read.raw(name)?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  const items = raw.split(',').map((item) => item.trim());
  if (!items.every(isTrustedProxy)) {
    read.fail(
      name,
      raw,
      'must be true, false, a hop count, or a comma-separated list of IP addresses, subnets, loopback, linklocal or uniquelocal',
    );
  }
  return raw;
}
