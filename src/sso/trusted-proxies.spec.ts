import { trustedProxies } from './trusted-proxies';

describe('trustedProxies', () => {
  const trusted = trustedProxies([
    '127.0.0.1',
    '10.1.0.0/16',
    'fd00::/8',
    '::1',
  ]);

  it.each(['127.0.0.1', '::ffff:127.0.0.1', '10.1.2.3', 'fd12::1', '::1'])(
    'trusts %s',
    (peer) => {
      expect(trusted(peer)).toBe(true);
    },
  );

  it.each([
    '127.0.0.2',
    '10.2.0.1',
    'fe80::1',
    '::2',
    '',
    'not an address',
    undefined,
  ])('does not trust %j', (peer) => {
    expect(trusted(peer)).toBe(false);
  });

  it('reads an IPv4-mapped block as its IPv4 block', () => {
    const mapped = trustedProxies(['::ffff:192.168.0.0/112']);
    expect(mapped('192.168.3.4')).toBe(true);
    expect(mapped('192.169.0.1')).toBe(false);
  });

  it('trusts nobody when given nothing', () => {
    expect(trustedProxies([])('127.0.0.1')).toBe(false);
  });
});
