import { deriveKey, openSealed, seal } from './seal';

describe('seal', () => {
  const key = deriveKey('k'.repeat(40), 'test v1');

  it('opens what it sealed, for the same context only', () => {
    const sealed = seal(key, 'secret value', 'user 1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('secret');
    expect(openSealed(key, sealed, 'user 1')).toBe('secret value');
    expect(openSealed(key, sealed, 'user 2')).toBeNull();
  });

  it("refuses another purpose's key, a changed byte, a cut tag and garbage", () => {
    const sealed = seal(key, 'secret value', 'ctx');
    const other = deriveKey('k'.repeat(40), 'other v1');
    expect(openSealed(other, sealed, 'ctx')).toBeNull();
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(
      openSealed(key, `v1.${raw.toString('base64url')}`, 'ctx'),
    ).toBeNull();
    const cut = Buffer.from(sealed.slice(3), 'base64url').subarray(0, 20);
    expect(
      openSealed(key, `v1.${cut.toString('base64url')}`, 'ctx'),
    ).toBeNull();
    for (const junk of ['', 'v1.', 'v2.abc', sealed.slice(3)]) {
      expect(openSealed(key, junk, 'ctx')).toBeNull();
    }
  });

  it('derives one key per purpose, the same on every call', () => {
    expect(deriveKey('m'.repeat(40), 'a')).toEqual(
      deriveKey('m'.repeat(40), 'a'),
    );
    expect(deriveKey('m'.repeat(40), 'a')).not.toEqual(
      deriveKey('m'.repeat(40), 'b'),
    );
  });
});
