import { IpAllowlist, isIpOrCidr, normalIp, normalIpOrCidr } from './client-ip';

describe('client IPs and allowlists', () => {
  it.each([
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['10.0.0.1', '10.0.0.1'],
    ['1.2.3.4/32', '1.2.3.4'],
    ['2001:DB8:0:0::1', '2001:db8::1'],
    ['2001:db8::abcd/32', '2001:db8::/32'],
    ['::ffff:10.1.1.1', '10.1.1.1'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['::/0', '::/0'],
  ])('writes %s as %s', (entry, normal) => {
    expect(isIpOrCidr(entry)).toBe(true);
    expect(normalIpOrCidr(entry)).toBe(normal);
  });

  it.each([
    '10.0.0.0/33',
    '::1/129',
    '300.1.1.1',
    '1.2.3',
    '010.0.0.1',
    '10.0.0.0/',
    '/8',
    '10.0.0.0/8/8',
    '10.0.0.0/+8',
    'example.com',
    '',
    'x'.repeat(65),
  ])('refuses %p', (entry) => {
    expect(isIpOrCidr(entry)).toBe(false);
  });

  it('matches addresses and blocks of both families, IPv4 through IPv6 too', () => {
    const list = new IpAllowlist(['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
    expect(list.allows('10.200.0.1')).toBe(true);
    expect(list.allows('::ffff:10.200.0.1')).toBe(true);
    expect(list.allows('192.0.2.7')).toBe(true);
    expect(list.allows('192.0.2.8')).toBe(false);
    expect(list.allows('2001:db8:ffff::1')).toBe(true);
    expect(list.allows('2001:db9::1')).toBe(false);
    expect(list.allows('not an ip')).toBe(false);
    expect(list.allows(undefined)).toBe(false);
    // The remembered answer is the same answer.
    expect(list.allows('10.200.0.1')).toBe(true);
  });

  it('normalises a client IP for display', () => {
    expect(normalIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalIp('2001:0db8::0001')).toBe('2001:db8::1');
    expect(normalIp('garbage')).toBe('garbage');
  });
});
