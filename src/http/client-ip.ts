import ipaddr from 'ipaddr.js';

/**
 * An address as people write it: an IPv4 client seen through an IPv6
 * socket (`::ffff:10.0.0.1`) is `10.0.0.1`, IPv6 is in its shortest form.
 * Anything that is not an address is kept as given.
 */
export function normalIp(ip: string): string {
  return ipaddr.isValid(ip) ? ipaddr.process(ip).toString() : ip;
}
