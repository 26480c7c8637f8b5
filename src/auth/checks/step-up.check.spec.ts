import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import type { RequestAuth } from '../../access/request-auth';
import { type AppConfig, loadConfig } from '../../config/app-config';
import type { AppError } from '../../http/app-error';
import type { FactorDirectory } from '../../mfa/factor-directory';
import type { MfaMethod } from '../../mfa/mfa-methods';
import { Clock } from '../../time/clock';
import { type AccessTarget, routeFacts, SKIP, type Verdict } from './check';
import { StepUpCheck } from './step-up.check';

const NOW = Date.UTC(2026, 11, 6, 12);
const clock = new (class extends Clock {
  override now() {
    return NOW;
  }
})();

const principal = (privileges: string[]): Principal => ({
  type: 'user',
  id: 'alice',
  name: 'Alice',
  privileges,
  categories: [],
  groups: [],
  roles: [],
  maxPerSec: 0,
  expiresAt: null,
});

function checkWith(methods: MfaMethod[], env: Record<string, string> = {}) {
  const lookups: number[] = [];
  const directory = {
    methodsOf: (userId: number) => {
      lookups.push(userId);
      return methods;
    },
  } as unknown as FactorDirectory;
  const config: AppConfig = loadConfig(env);
  const check = new StepUpCheck(config, directory, {} as DataSource, clock);
  return { check, lookups };
}

const session = (extra: Partial<RequestAuth> = {}): RequestAuth => ({
  principal: principal(['admin']),
  sessionRecordId: 's1',
  userId: 7,
  steppedUpAt: null,
  ...extra,
});

/** A target as Express gives it: the matched route's template. */
const target = (method: string, template: string): AccessTarget =>
  ({ method, params: {}, body: {}, route: { path: template } }) as AccessTarget;

async function verdict(
  check: StepUpCheck,
  auth: RequestAuth,
  method: string,
  template: string,
): Promise<Verdict> {
  // A fresh facts object per call: each stands for its own route.
  const facts = routeFacts({ kind: 'authenticated' }, undefined);
  return check.run(auth, facts, target(method, template));
}

describe('StepUpCheck', () => {
  it('skips API keys at once', async () => {
    const { check, lookups } = checkWith(['totp']);
    const key = {
      principal: { ...principal(['admin']), type: 'api_key' },
    } as RequestAuth;
    expect(await verdict(check, key, 'DELETE', '/api/me/mfa/totp')).toBe(SKIP);
    expect(lookups).toEqual([]);
  });

  it('reads nothing for a route with no act, by a user MFA_REQUIRED does not cover', async () => {
    const { check, lookups } = checkWith(['totp']);
    expect(await verdict(check, session(), 'GET', '/api/keys')).toBe(SKIP);
    expect(lookups).toEqual([]);
  });

  it('refuses an act without a recent second factor, naming the methods', async () => {
    const { check } = checkWith(['totp', 'recovery_code']);
    const refusal = (await verdict(
      check,
      session(),
      'DELETE',
      '/api/me/mfa/totp',
    )) as AppError;
    expect(refusal.code).toBe('step_up_required');
    expect(refusal.extras.methods).toEqual(['totp', 'recovery_code']);
    expect(check.fix(refusal)).toMatch(/step-up/);
  });

  it('lets the act pass within STEP_UP_WINDOW of a step-up, and not at its end', async () => {
    const { check } = checkWith(['passkey']);
    const recent = session({ steppedUpAt: NOW - 599_000 });
    expect(
      await verdict(check, recent, 'DELETE', '/api/me/passkeys/:id'),
    ).toBeNull();
    const stale = session({ steppedUpAt: NOW - 600_000 });
    const refusal = (await verdict(
      check,
      stale,
      'DELETE',
      '/api/me/passkeys/:id',
    )) as AppError;
    expect(refusal.code).toBe('step_up_required');
  });

  it('never asks a user with nothing to step up with', async () => {
    const { check } = checkWith([]);
    expect(await verdict(check, session(), 'DELETE', '/api/me/mfa/totp')).toBe(
      SKIP,
    );
  });

  describe('MFA_REQUIRED=admins', () => {
    it('holds an admin with no factor to the enrolment routes, with methods []', async () => {
      const { check } = checkWith([], { MFA_REQUIRED: 'admins' });
      const refusal = (await verdict(
        check,
        session(),
        'GET',
        '/api/keys',
      )) as AppError;
      expect(refusal.extras.methods).toEqual([]);
      expect(check.fix(refusal)).toMatch(/set up a second factor/);
      for (const [method, path] of [
        ['GET', '/api/me'],
        ['GET', '/api/privileges'],
        ['DELETE', '/api/sessions/current'],
        ['POST', '/api/me/mfa/totp/confirm'],
        ['POST', '/api/me/passkeys'],
      ]) {
        expect(await verdict(check, session(), method, path)).toBeNull();
      }
    });

    it('leaves users without admin alone', async () => {
      const { check } = checkWith([], { MFA_REQUIRED: 'admins' });
      const plain = session({ principal: principal(['run_jobs']) });
      expect(await verdict(check, plain, 'GET', '/api/keys')).toBe(SKIP);
    });
  });
});
