import { AppError } from '../http/app-error';
import type { AppConfig } from '../config/app-config';
import type { RateLimitStore } from '../rate-limits/rate-limit.store';
import { AuthFailures } from './auth-failures';

describe('AuthFailures.gate', () => {
  let msUntilAllowed = 30_500;
  const store = {
    count: () => ({ count: 5, msUntilAllowed, msUntilOldestLeaves: 0 }),
  } as unknown as RateLimitStore;
  const failures = new AuthFailures(
    { authFailureLimit: 5 } as AppConfig,
    store,
  );
  const refusal = async (): Promise<AppError> => {
    try {
      await failures.gate({ ip: '203.0.113.7' });
    } catch (error) {
      return error as AppError;
    }
    throw new Error('the gate let the request through');
  };

  it('answers every request over the limit with one shared 429 per Retry-After', async () => {
    const first = await refusal();
    expect(first).toBeInstanceOf(AppError);
    expect(first.code).toBe('too_many_failures');
    expect(first.headers['Retry-After']).toBe('31');
    expect(await refusal()).toBe(first);
    msUntilAllowed = 2_000;
    const later = await refusal();
    expect(later).not.toBe(first);
    expect(later.headers['Retry-After']).toBe('2');
  });
});
