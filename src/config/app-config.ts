import { LogLevel } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/** Argon2id's cost; the lane count is always 1 (OWASP's recommendation). */
export interface PasswordCost {
  /** KiB of memory per hash. */
  memoryCost: number;
  /** Passes over that memory. */
  timeCost: number;
}

/** OWASP's minimum for Argon2id (SPEC §15): 19 MiB, 2 iterations, 1 lane; lower is refused. */
export const MIN_PASSWORD_COST: PasswordCost = {
  memoryCost: 19456,
  timeCost: 2,
};

export const APP_CONFIG = Symbol('APP_CONFIG');

export interface AppConfig {
  port: number;
  host: string;
  databasePath: string;
  /** postgres://… : run on PostgreSQL instead of the SQLite file (DATABASE_PATH is then ignored). */
  databaseUrl: string | undefined;
  /** redis://… : share limits, lockout and cache invalidation between instances. */
  redisUrl: string | undefined;
  adminUsername: string;
  adminPassword: string | undefined;
  sessionIdleTimeout: number;
  sessionMaxAge: number;
  apiKeyLength: number;
  loginMaxFailures: number;
  loginWindow: number;
  trustProxy: boolean | number | string | undefined;
  allowQueryCredentials: boolean;
  logLevel: LogLevel;
  /** One JSON object a line, or readable text. */
  logFormat: LogFormat;
  /** Port of the Prometheus listener on HOST; undefined: no metrics. */
  metricsPort: number | undefined;
  /** Seconds between batched writes of last_used_at and session activity. */
  activityFlushInterval: number;
  /** Seconds a verified credential is trusted from the in-process cache. */
  authCacheTtl: number;
  /** Seconds an unknown credential digest is remembered as unknown. */
  authNegativeCacheTtl: number;
  /** Most credentials kept in each in-process cache. */
  authCacheSize: number;
  /** Argon2id cost of new password hashes (at least OWASP's minimum). */
  passwordHash: PasswordCost;
  /** Failed logins allowed per IP, any username, per LOGIN_WINDOW; 0 = no limit. */
  loginIpMaxFailures: number;
  /** Refused credentials allowed per IP per 60 s; 0 = no limit. */
  authFailureLimit: number;
  /** Most days a new key may live (SPEC §19); undefined: no limit. */
  maxKeyLifetimeDays: number | undefined;
  /** Days an audit entry is kept (SPEC §13). */
  auditRetentionDays: number;
  /** Seconds an mfa_token of a sign-in's second step lives (SPEC §18). */
  mfaTokenTtl: number;
  /** Seconds a completed second factor counts as aal 2 for step-up. */
  stepUpWindow: number;
  /** Who must enrol a second factor before doing anything else. */
  mfaRequired: MfaRequired;
  /** WebAuthn relying party id: a host name, never an IP address. */
  webauthnRpId: string;
  /** The origin browsers run passkey ceremonies from. */
  webauthnOrigin: string;
  /**
   * Key material for TOTP secrets at rest and signed WebAuthn challenges;
   * unset: a random key generated once and kept in the database.
   */
  mfaSecretKey: string | undefined;
  /** LOCAL_LOGIN=false: password logins for administrators only (SPEC §17). */
  localLogin: boolean;
  /** Single sign-on (SPEC §17). */
  sso: SsoConfig;
}

/** OpenID Connect: on when OIDC_ISSUER is set. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Space-separated, `openid` among them. */
  scopes: string;
  usernameClaim: string;
  groupsClaim: string;
}

/** Trusted headers from an authenticating proxy: on when SSO_HEADER_USERNAME is set. */
export interface HeaderSsoConfig {
  /** Header names, lower-cased as Node presents them. */
  username: string;
  groups: string | undefined;
  name: string | undefined;
  /** Addresses and CIDR blocks (`10.0.0.0/8`) of the proxies whose headers count. */
  trustedProxies: string[];
}

export interface SsoConfig {
  oidc: OidcConfig | undefined;
  header: HeaderSsoConfig | undefined;
  /** Provider group → role ids (SSO_GROUP_ROLES). */
  groupRoles: Record<string, string[]>;
  /** Groups whose members hold `admin`. */
  adminGroups: string[];
  /** true: each SSO login sets roles and admin from the groups; false: only adds. */
  replaceRoles: boolean;
}

export type MfaRequired = 'off' | 'admins' | 'all';

export type LogFormat = 'json' | 'pretty';

export class ConfigError extends Error {}

const LOG_LEVELS: LogLevel[] = [
  'verbose',
  'debug',
  'log',
  'warn',
  'error',
  'fatal',
];
const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** A DNS name (what WebAuthn takes as a relying party id). */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const ROLE_ID = /^[a-z0-9_-]{1,64}$/;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

type Env = Record<string, string | undefined>;

/** Reads and validates every setting of SPEC §1; the first bad one throws, naming the variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const read = new EnvReader(env);
  const config: AppConfig = {
    port: read.int('PORT', 3000, 0, 65535),
    host: read.string('HOST', '127.0.0.1'),
    databasePath: read.string('DATABASE_PATH', 'data/opsgate.sqlite'),
    databaseUrl: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:']),
    adminUsername: read.matching('ADMIN_USERNAME', 'admin', USERNAME),
    adminPassword: read.optionalPassword('ADMIN_PASSWORD'),
    sessionIdleTimeout: read.int('SESSION_IDLE_TIMEOUT', 1800, 1, 31_536_000),
    sessionMaxAge: read.int('SESSION_MAX_AGE', 43200, 1, 31_536_000),
    apiKeyLength: read.int('API_KEY_LENGTH', 24, 20, 128),
    loginMaxFailures: read.int('LOGIN_MAX_FAILURES', 5, 1, 1_000_000),
    loginWindow: read.int('LOGIN_WINDOW', 60, 1, 86_400),
    trustProxy: read.trustProxy('TRUST_PROXY'),
    allowQueryCredentials: read.bool('ALLOW_QUERY_CREDENTIALS', true),
    logLevel: read.oneOf('LOG_LEVEL', 'log', LOG_LEVELS),
    logFormat: read.oneOf<LogFormat>(
      'LOG_FORMAT',
      env.NODE_ENV === 'production' ? 'json' : 'pretty',
      ['json', 'pretty'],
    ),
    metricsPort: read.optionalInt('METRICS_PORT', 0, 65535),
    activityFlushInterval: read.int('ACTIVITY_FLUSH_INTERVAL', 5, 1, 60),
    authCacheTtl: read.int('AUTH_CACHE_TTL', 10, 0, 3600),
    authNegativeCacheTtl: read.int('AUTH_NEGATIVE_CACHE_TTL', 5, 0, 3600),
    authCacheSize: read.int('AUTH_CACHE_SIZE', 10_000, 1, 10_000_000),
    passwordHash: {
      memoryCost: read.int(
        'PASSWORD_HASH_MEMORY',
        MIN_PASSWORD_COST.memoryCost,
        MIN_PASSWORD_COST.memoryCost,
        4_194_304,
      ),
      timeCost: read.int(
        'PASSWORD_HASH_ITERATIONS',
        MIN_PASSWORD_COST.timeCost,
        MIN_PASSWORD_COST.timeCost,
        100,
      ),
    },
    loginIpMaxFailures: read.int('LOGIN_IP_MAX_FAILURES', 20, 0, 1_000_000),
    authFailureLimit: read.int('AUTH_FAILURE_LIMIT', 50, 0, 1_000_000),
    auditRetentionDays: read.int('AUDIT_RETENTION_DAYS', 90, 1, 36_500),
    maxKeyLifetimeDays: read.optionalInt('MAX_KEY_LIFETIME_DAYS', 1, 36_500),
    mfaTokenTtl: read.int('MFA_TOKEN_TTL', 300, 10, 3600),
    stepUpWindow: read.int('STEP_UP_WINDOW', 600, 10, 86_400),
    mfaRequired: read.oneOf<MfaRequired>('MFA_REQUIRED', 'off', [
      'off',
      'admins',
      'all',
    ]),
    webauthnRpId: '',
    webauthnOrigin: '',
    mfaSecretKey: read.optionalSecret('MFA_SECRET_KEY', 32),
    localLogin: read.bool('LOCAL_LOGIN', true),
    sso: {
      oidc: undefined,
      header: readHeaderSso(read),
      groupRoles: read.groupRoles('SSO_GROUP_ROLES'),
      adminGroups: read.list('SSO_ADMIN_GROUPS'),
      replaceRoles: read.bool('SSO_REPLACE_ROLES', true),
    },
  };
  // WebAuthn refuses IP addresses as relying party ids (SPEC §18).
  const host =
    isIP(config.host) || !HOST_NAME.test(config.host)
      ? 'localhost'
      : config.host;
  config.webauthnRpId = read.matching('WEBAUTHN_RP_ID', host, HOST_NAME);
  config.webauthnOrigin = read.origin(
    'WEBAUTHN_ORIGIN',
    `http://${config.webauthnRpId}:${config.port}`,
  );
  config.sso.oidc = readOidc(read, config);
  read.removed(
    'PASSWORD_HASH_COST',
    'passwords are hashed with Argon2id now: use PASSWORD_HASH_MEMORY (KiB) and PASSWORD_HASH_ITERATIONS',
  );
  return config;
}

/** OIDC_*: all or nothing, the issuer deciding; the secret is never echoed. */
function readOidc(read: EnvReader, config: AppConfig): OidcConfig | undefined {
  const issuer = read.url('OIDC_ISSUER', ['https:', 'http:']);
  if (issuer === undefined) return undefined;
  const host = isIP(config.host) === 6 ? `[${config.host}]` : config.host;
  const scopes = read.string('OIDC_SCOPES', 'openid profile email').trim();
  if (!scopes.split(/\s+/).includes('openid')) {
    throw new ConfigError(`OIDC_SCOPES must include openid (got "${scopes}")`);
  }
  return {
    issuer,
    clientId: read.required('OIDC_CLIENT_ID', 'OIDC_ISSUER'),
    clientSecret: read.required('OIDC_CLIENT_SECRET', 'OIDC_ISSUER', true),
    redirectUri:
      read.url('OIDC_REDIRECT_URI', ['https:', 'http:']) ??
      `http://${host}:${config.port}/api/sso/callback`,
    scopes,
    usernameClaim: read.string('OIDC_USERNAME_CLAIM', 'preferred_username'),
    groupsClaim: read.string('OIDC_GROUPS_CLAIM', 'groups'),
  };
}

/** SSO_HEADER_*: the proxies to trust are required, or anyone could send the headers. */
function readHeaderSso(read: EnvReader): HeaderSsoConfig | undefined {
  const username = read.headerName('SSO_HEADER_USERNAME');
  const groups = read.headerName('SSO_HEADER_GROUPS');
  const name = read.headerName('SSO_HEADER_NAME');
  const proxies = read.addresses('SSO_TRUSTED_PROXIES');
  if (username === undefined) return undefined;
  if (proxies.length === 0) {
    throw new ConfigError(
      'SSO_TRUSTED_PROXIES is required when SSO_HEADER_USERNAME is set: the addresses or CIDR blocks of the proxies allowed to send it',
    );
  }
  return { username, groups, name, trustedProxies: proxies };
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

class EnvReader {
  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const raw = this.env[name];
    if (raw === undefined) return fallback;
    if (raw.trim() === '') this.fail(name, raw, 'must not be empty');
    return raw;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined) return fallback;
    const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.fail(name, raw, `must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  optionalInt(name: string, min: number, max: number): number | undefined {
    if (this.env[name] === undefined || this.env[name] === '') return undefined;
    return this.int(name, min, min, max);
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined) return fallback;
    const value = raw.trim().toLowerCase();
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    return this.fail(name, raw, 'must be true or false');
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: T[]): T {
    const raw = this.env[name];
    if (raw === undefined) return fallback;
    if (!allowed.includes(raw as T)) {
      this.fail(name, raw, `must be one of ${allowed.join(', ')}`);
    }
    return raw as T;
  }

  matching(name: string, fallback: string, pattern: RegExp): string {
    const value = this.string(name, fallback);
    if (!pattern.test(value)) {
      this.fail(name, value, `must match ${String(pattern)}`);
    }
    return value;
  }

  optionalPassword(name: string): string | undefined {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return undefined;
    if (raw.length < 8 || raw.length > 256) {
      // The value itself is a secret: never echo it.
      throw new ConfigError(`${name} must be 8 to 256 characters long`);
    }
    return raw;
  }

  /** A secret of at least `min` characters, or undefined; never echoed. */
  optionalSecret(name: string, min: number): string | undefined {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return undefined;
    if (raw.length < min) {
      throw new ConfigError(`${name} must be at least ${min} characters long`);
    }
    return raw;
  }

  /** An http(s) origin: scheme, host and optional port, nothing else. */
  origin(name: string, fallback: string): string {
    const raw = this.string(name, fallback).trim();
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      // reported below
    }
    const bare =
      url?.pathname === '/' && !url.search && !url.hash && !url.username;
    if (!url || !bare || !['http:', 'https:'].includes(url.protocol)) {
      this.fail(name, raw, 'must be an origin such as https://ops.example.com');
    }
    return url.origin;
  }

  /** An optional URL with one of the given protocols; never echoed, it may hold a password. */
  url(name: string, protocols: string[]): string | undefined {
    const raw = this.env[name]?.trim();
    if (raw === undefined || raw === '') return undefined;
    let protocol = '';
    try {
      protocol = new URL(raw).protocol;
    } catch {
      // reported below
    }
    if (!protocols.includes(protocol)) {
      throw new ConfigError(
        `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
      );
    }
    return raw;
  }

  /** Express `trust proxy`: true, false, a hop count, or addresses / subnets / presets. */
  trustProxy(name: string): boolean | number | string | undefined {
    const raw = this.env[name]?.trim();
    if (raw === undefined || raw === '') return undefined;
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    if (/^\d+$/.test(raw)) return Number(raw);
    const items = raw.split(',').map((item) => item.trim());
    if (!items.every(isTrustedProxy)) {
      this.fail(
        name,
        raw,
        'must be true, false, a hop count, or a comma-separated list of IP addresses, subnets, loopback, linklocal or uniquelocal',
      );
    }
    return raw;
  }

  /** A setting another one needs; `secret`: never echoed. */
  required(name: string, by: string, secret = false): string {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') {
      throw new ConfigError(`${name} is required when ${by} is set`);
    }
    if (secret) return raw;
    return this.string(name, raw);
  }

  /** Comma-separated, each item trimmed; empty items are refused. */
  list(name: string): string[] {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') return [];
    const items = raw.split(',').map((item) => item.trim());
    if (items.includes('')) this.fail(name, raw, 'must not have empty items');
    return items;
  }

  /** `group=role[,role]` pairs separated by `;` (SSO_GROUP_ROLES). */
  groupRoles(name: string): Record<string, string[]> {
    const raw = this.env[name];
    const mapping: Record<string, string[]> = {};
    if (raw === undefined || raw.trim() === '') return mapping;
    for (const pair of raw.split(';').filter((p) => p.trim() !== '')) {
      const [group, roles, ...rest] = pair.split('=').map((s) => s.trim());
      const ids = (roles ?? '').split(',').map((role) => role.trim());
      if (!group || rest.length > 0 || !ids.every((id) => ROLE_ID.test(id))) {
        this.fail(
          name,
          raw,
          `must be group=role[,role] pairs separated by ";", role ids of [a-z0-9_-]; "${pair.trim()}" is not`,
        );
      }
      mapping[group] = [...new Set([...(mapping[group] ?? []), ...ids])];
    }
    return mapping;
  }

  /** An optional HTTP header name, lower-cased. */
  headerName(name: string): string | undefined {
    const raw = this.env[name]?.trim();
    if (raw === undefined || raw === '') return undefined;
    if (!HEADER_NAME.test(raw)) this.fail(name, raw, 'must be a header name');
    return raw.toLowerCase();
  }

  /** Comma-separated IPv4/IPv6 addresses or CIDR blocks. */
  addresses(name: string): string[] {
    const items = this.list(name);
    const valid = (item: string) =>
      ipaddr.IPv4.isValidFourPartDecimal(item) ||
      ipaddr.IPv4.isValidCIDRFourPartDecimal(item) ||
      ipaddr.IPv6.isValid(item) ||
      ipaddr.IPv6.isValidCIDR(item);
    const bad = items.find((item) => !valid(item));
    if (bad !== undefined) {
      this.fail(
        name,
        this.env[name] ?? '',
        `must be comma-separated IP addresses or CIDR blocks; "${bad}" is not`,
      );
    }
    return items;
  }

  /** A setting that no longer exists: refused rather than silently ignored. */
  removed(name: string, instead: string): void {
    if (this.env[name] !== undefined) {
      throw new ConfigError(`${name} is no longer used; ${instead}`);
    }
  }

  private fail(name: string, raw: string, rule: string): never {
    throw new ConfigError(`${name} ${rule} (got ${JSON.stringify(raw)})`);
  }
}

export function cacheOptions(config: AppConfig) {
  return {
    maxSize: config.authCacheSize,
    ttlMs: config.authCacheTtl * 1000,
    negativeTtlMs: config.authNegativeCacheTtl * 1000,
  };
}
