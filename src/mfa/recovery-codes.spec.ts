import { newRecoveryCodes, recoveryCodeDigest } from './recovery-codes';

describe('recovery codes', () => {
  it('are ten distinct codes of two groups of five', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  });

  it('are recognised however a person types them', () => {
    const [code] = newRecoveryCodes();
    const digest = recoveryCodeDigest(code);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(recoveryCodeDigest(code.toUpperCase())).toBe(digest);
    expect(recoveryCodeDigest(code.replace('-', ''))).toBe(digest);
    expect(recoveryCodeDigest(` ${code.replace('-', ' ')} `)).toBe(digest);
  });

  it('cannot be anything of another form', () => {
    expect(recoveryCodeDigest('123456')).toBeNull();
    expect(recoveryCodeDigest('abcde-fghi0')).toBeNull();
    expect(recoveryCodeDigest('')).toBeNull();
  });
});
