import { authenticator } from 'otplib';
import { TOTP_STEP_MS, matchingStep, newTotpSecret, otpauthUrl } from './totp';

/** The code an authenticator app shows at `at` (epoch ms). */
const codeAt = (secret: string, at: number) =>
  authenticator.clone({ epoch: at }).generate(secret);

describe('TOTP (RFC 6238: SHA-1, 6 digits, 30 s)', () => {
  const secret = newTotpSecret();
  // The middle of a step, so ±1 step is unambiguous.
  const now =
    Math.floor(Date.UTC(2026, 11, 6, 12) / TOTP_STEP_MS) * TOTP_STEP_MS +
    15_000;
  const step = Math.floor(now / TOTP_STEP_MS);

  it('makes 160-bit base32 secrets, different each time', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
  });

  it('matches the RFC 6238 SHA-1 test vector', () => {
    // RFC 6238 appendix B: key "12345678901234567890", T = 59 s → 94287082 (8 digits; 6: 287082).
    const rfcKey = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(matchingStep('287082', rfcKey, 59_000)).toBe(1);
  });

  it('accepts the current step and one step of drift either way', () => {
    expect(matchingStep(codeAt(secret, now), secret, now)).toBe(step);
    expect(matchingStep(codeAt(secret, now - 30_000), secret, now)).toBe(
      step - 1,
    );
    expect(matchingStep(codeAt(secret, now + 30_000), secret, now)).toBe(
      step + 1,
    );
  });

  it('refuses codes two steps away, and anything not six digits', () => {
    expect(matchingStep(codeAt(secret, now - 60_000), secret, now)).toBeNull();
    expect(matchingStep(codeAt(secret, now + 60_000), secret, now)).toBeNull();
    expect(matchingStep('12345', secret, now)).toBeNull();
    expect(matchingStep('abcdef', secret, now)).toBeNull();
  });

  it('writes an otpauth URL with issuer, account and the RFC parameters', () => {
    const url = new URL(otpauthUrl('alice', secret));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/opsgate:alice');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      secret,
      issuer: 'opsgate',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});
