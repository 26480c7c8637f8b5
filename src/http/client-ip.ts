import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * An address as people write it: an IPv4 client seen through an IPv6
 * socket (`::ffff:10.0.0.1`) is `10.0.0.1`, IPv6 is in its shortest form.
 * Anything that is not an address is kept as given.
 */
export function normalIp(ip: string): string {
  return ipaddr.isValid(ip) ? ipaddr.process(ip).toString() : ip;
}

/**
 * Four decimal parts or IPv6: ipaddr.js would also read `1.2.3` and octal
 * `010.0.0.1`, spellings an allowlist should not guess at.
 */
const isPlainAddress = (text: string) =>
  ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text);

/** One entry of an allowlist: an address, or a CIDR block. */
function parseEntry(entry: string): [Address, number] | null {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !isPlainAddress(address)) return null;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return null;
  try {
    if (bits !== undefined) {
      const [address, bits] = ipaddr.parseCIDR(entry);
      // An IPv4 block written as IPv6 (`::ffff:10.0.0.0/104`) is the IPv4 block.
      if (address.kind() === 'ipv6' && bits >= 96) {
        const v6 = address as ipaddr.IPv6;
        if (v6.isIPv4MappedAddress()) return [v6.toIPv4Address(), bits - 96];
      }
      return [address, bits];
    }
    const plain = ipaddr.process(address);
    return [plain, plain.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

export const isIpOrCidr = (entry: unknown): boolean =>
  typeof entry === 'string' && entry.length <= 64 && parseEntry(entry) !== null;

/**
 * The normal form of an allowlist entry: an address alone as normalIp
 * writes it, a block as its network address and prefix (`10.1.2.3/8` is
 * `10.0.0.0/8`), so two spellings of one range are one entry.
 */
export function normalIpOrCidr(entry: string): string {
  const parsed = parseEntry(entry);
  if (!parsed) throw new Error(`not an address or CIDR block: ${entry}`);
  const [address, bits] = parsed;
  const full = address.kind() === 'ipv4' ? 32 : 128;
  if (!entry.includes('/') || bits === full) return address.toString();
  const network =
    address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`);
  return `${network.toString()}/${bits}`;
}

/** Most client IPs whose answer an allowlist remembers (one key is used from few). */
const REMEMBERED = 256;

/**
 * A key's allowed IPs, parsed once per verified key. `allows` parses the
 * client IP (ipaddr.js, so `::ffff:10.0.0.1` is the IPv4 client it is) and
 * remembers the answer for the few addresses a key is used from.
 */
export class IpAllowlist {
  private readonly ranges: Array<[Address, number]>;
  private readonly answers = new Map<string, boolean>();

  constructor(readonly entries: readonly string[]) {
    this.ranges = entries.flatMap((entry) => {
      const parsed = parseEntry(entry);
      return parsed ? [parsed] : [];
    });
  }

  allows(ip: string | undefined): boolean {
    if (ip === undefined) return false;
    let answer = this.answers.get(ip);
    if (answer === undefined) {
      answer = this.match(ip);
      if (this.answers.size >= REMEMBERED) this.answers.clear();
      this.answers.set(ip, answer);
    }
    return answer;
  }

  private match(ip: string): boolean {
    if (!ipaddr.isValid(ip)) return false;
    const client = ipaddr.process(ip);
    return this.ranges.some(
      ([range, bits]) =>
        range.kind() === client.kind() &&
        (client as ipaddr.IPv4).match(range, bits),
    );
  }
}
