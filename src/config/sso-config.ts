import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';
import { ConfigError, type EnvReader } from './env-reader';
import type { ServerConfig } from './server-config';

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

/** Single sign-on (SPEC §17). */
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

const ROLE_ID = /^[a-z0-9_-]{1,64}$/;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** `server`: the OpenID redirect URI defaults to HOST and PORT. */
export function readSsoConfig(
  read: EnvReader,
  server: ServerConfig,
): SsoConfig {
  const header = readHeaderSso(read);
  const mapping = {
    groupRoles: readGroupRoles(read, 'SSO_GROUP_ROLES'),
    adminGroups: read.list('SSO_ADMIN_GROUPS'),
    replaceRoles: read.bool('SSO_REPLACE_ROLES', true),
  };
  return { oidc: readOidc(read, server), header, ...mapping };
}

/** OIDC_*: all or nothing, the issuer deciding; the secret is never echoed. */
function readOidc(
  read: EnvReader,
  server: ServerConfig,
): OidcConfig | undefined {
  const issuer = read.url('OIDC_ISSUER', ['https:', 'http:']);
  if (issuer === undefined) return undefined;
  const host = isIP(server.host) === 6 ? `[${server.host}]` : server.host;
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
      `http://${host}:${server.port}/api/sso/callback`,
    scopes,
    usernameClaim: read.string('OIDC_USERNAME_CLAIM', 'preferred_username'),
    groupsClaim: read.string('OIDC_GROUPS_CLAIM', 'groups'),
  };
}

/** SSO_HEADER_*: the proxies to trust are required, or anyone could send the headers. */
function readHeaderSso(read: EnvReader): HeaderSsoConfig | undefined {
  const username = readHeaderName(read, 'SSO_HEADER_USERNAME');
  const groups = readHeaderName(read, 'SSO_HEADER_GROUPS');
  const name = readHeaderName(read, 'SSO_HEADER_NAME');
  const proxies = readAddresses(read, 'SSO_TRUSTED_PROXIES');
  if (username === undefined) return undefined;
  if (proxies.length === 0) {
    throw new ConfigError(
      'SSO_TRUSTED_PROXIES is required when SSO_HEADER_USERNAME is set: the addresses or CIDR blocks of the proxies allowed to send it',
    );
  }
  return { username, groups, name, trustedProxies: proxies };
}

/** `group=role[,role]` pairs separated by `;` (SSO_GROUP_ROLES). */
function readGroupRoles(
  read: EnvReader,
  name: string,
): Record<string, string[]> {
  const raw = read.raw(name);
  const mapping: Record<string, string[]> = {};
  if (raw === undefined || raw.trim() === '') return mapping;
  for (const pair of raw.split(';').filter((p) => p.trim() !== '')) {
    const [group, roles, ...rest] = pair.split('=').map((s) => s.trim());
    const ids = (roles ?? '').split(',').map((role) => role.trim());
    if (!group || rest.length > 0 || !ids.every((id) => ROLE_ID.test(id))) {
      read.fail(
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
function readHeaderName(read: EnvReader, name: string): string | undefined {
  const raw = read.raw(name)?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!HEADER_NAME.test(raw)) read.fail(name, raw, 'must be a header name');
  return raw.toLowerCase();
}

/** Comma-separated IPv4/IPv6 addresses or CIDR blocks. */
function readAddresses(read: EnvReader, name: string): string[] {
  const items = read.list(name);
  const valid = (item: string) =>
    ipaddr.IPv4.isValidFourPartDecimal(item) ||
    ipaddr.IPv4.isValidCIDRFourPartDecimal(item) ||
    ipaddr.IPv6.isValid(item) ||
    ipaddr.IPv6.isValidCIDR(item);
  const bad = items.find((item) => !valid(item));
  if (bad !== undefined) {
    read.fail(
      name,
      read.raw(name) ?? '',
      `must be comma-separated IP addresses or CIDR blocks; "${bad}" is not`,
    );
  }
  return items;
}
