import { IpAllowlist } from '../http/client-ip';

/**
 * SSO_TRUSTED_PROXIES as a test of a TCP peer address, by the same
 * allowlist as a key's allowed IPs (an IPv4 peer on a dual-stack socket,
 * `::ffff:10.0.0.1`, is 10.0.0.1). It is given the socket's own remote
 * address, never X-Forwarded-For nor Express's req.ip (TRUST_PROXY), which
 * any client can shape.
 */
export function trustedProxies(entries: readonly string[]) {
  const allowlist = new IpAllowlist(entries);
  return (peer: string | undefined): boolean => allowlist.allows(peer);
}
