import { createHash, randomBytes } from 'node:crypto';
import { DigestIndex, fingerprint } from './digest-index';

const digest = () => createHash('sha256').update(randomBytes(16)).digest('hex');

describe('DigestIndex', () => {
  it('takes 30 bits of the digest, as a small integer', () => {
    expect(fingerprint('ffffffff' + '0'.repeat(56))).toBe(2 ** 30 - 1);
    expect(fingerprint('00000000' + 'f'.repeat(56))).toBe(0);
    expect(fingerprint('12345678' + 'a'.repeat(56))).toBe(0x12345678 >>> 2);
    const d = digest();
    expect(fingerprint(d)).toBe(parseInt(d.slice(0, 8), 16) >>> 2);
  });

  it('knows every digest added, until it is removed, counting those that share a fingerprint', () => {
    const index = new DigestIndex();
    const added = Array.from({ length: 1000 }, digest);
    for (const d of added) index.add(fingerprint(d));
    expect(added.every((d) => index.has(d))).toBe(true);
    const twin = added[0].slice(0, 8) + '0'.repeat(56);
    index.add(fingerprint(twin));
    index.remove(fingerprint(added[0]));
    expect(index.has(twin)).toBe(true);
    index.remove(fingerprint(twin));
    expect(index.has(twin)).toBe(false);
    index.remove(fingerprint(twin));
    expect(index.size).toBe(999);
  });

  it('lets under 1 % of random unknown digests through, with 100,000 known', () => {
    const index = new DigestIndex();
    for (let i = 0; i < 100_000; i++) index.add(fingerprint(digest()));
    let passed = 0;
    for (let i = 0; i < 100_000; i++) if (index.has(digest())) passed++;
    // Expected 100,000 × 100,000 / 2^30 ≈ 9.3 (0.0093 %).
    expect(passed).toBeLessThan(100);
  });
});
