import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** An address as one family sees it: `::ffff:10.0.0.1` (a dual-stack socket's IPv4 peer) is 10.0.0.1. */
const parse = (address: string) => ipaddr.process(address);

/**
 * SSO_TRUSTED_PROXIES as a test of a TCP peer address. It is given the
 * socket's own remote address, never X-Forwarded-For nor Express's req.ip
 * (TRUST_PROXY), which any client can shape.
 */
export function trustedProxies(entries: readonly string[]) {
  const ranges: Range[] = entries.map((entry) => {
    if (!entry.includes('/')) {
      const address = parse(entry);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    }
    const [address, bits] = ipaddr.parseCIDR(entry);
    // An IPv4-mapped block (::ffff:10.0.0.0/104) as the IPv4 block it is.
    if (
      address.kind() === 'ipv6' &&
      (address as ipaddr.IPv6).isIPv4MappedAddress()
    ) {
      return [(address as ipaddr.IPv6).toIPv4Address(), Math.max(0, bits - 96)];
    }
    return [address, bits];
  });
  return (peer: string | undefined): boolean => {
    if (!peer || !ipaddr.isValid(peer)) return false;
    const address = parse(peer);
    return ranges.some(
      ([range, bits]) =>
        range.kind() === address.kind() && address.match(range, bits),
    );
  };
}
