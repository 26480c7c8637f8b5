import type { RequestAuth } from '../../access/request-auth';
import { AppError } from '../../http/app-error';
import type { MaybePromise } from '../../concurrency/maybe-promise';
import {
  type AccessTarget,
  type Check,
  type CheckName,
  type Mode,
  routeFacts,
  SKIP,
  type Verdict,
} from './check';
import { CheckList } from './check-list';

const auth = {
  principal: { type: 'api_key', id: 'k', name: 'CI' },
} as unknown as RequestAuth;
const route = routeFacts({ kind: 'authenticated' }, undefined);
const target: AccessTarget = { method: 'GET', params: {}, body: undefined };

function check(
  name: CheckName,
  verdict: () => MaybePromise<Verdict>,
  ran: Array<[CheckName, Mode]>,
): Check {
  return {
    name,
    run: (_a, _r, _t, mode) => {
      ran.push([name, mode]);
      return verdict();
    },
    describe: (result) => `${name} ${result}`,
    fix: () => `fix ${name}`,
  };
}

const refusal = (code: 'rate_limited' | 'missing_privilege') =>
  new AppError(code === 'rate_limited' ? 429 : 403, code, `${code}!`, {
    missing_privileges:
      code === 'missing_privilege' ? ['edit_events'] : undefined,
  });

describe('CheckList', () => {
  it('passes synchronously, with no promise, when every check answers at once', () => {
    const ran: Array<[CheckName, Mode]> = [];
    const list = new CheckList([
      check('ip', () => SKIP, ran),
      check('privileges', () => null, ran),
    ]);
    expect(list.enforce(auth, route, target, 'enforce', null)).toBeUndefined();
    expect(ran).toEqual([
      ['ip', 'enforce'],
      ['privileges', 'enforce'],
    ]);
  });

  it('rejects with the first refusal and runs nothing after it', async () => {
    const ran: Array<[CheckName, Mode]> = [];
    const list = new CheckList([
      check('rate_limit', () => Promise.resolve(null), ran),
      check('privileges', () => refusal('missing_privilege'), ran),
      check('scope', () => refusal('rate_limited'), ran),
    ]);
    await expect(
      list.enforce(auth, route, target, 'enforce', null),
    ).rejects.toMatchObject({ code: 'missing_privilege' });
    expect(ran.map(([name]) => name)).toEqual(['rate_limit', 'privileges']);
  });

  it('rejects with a refusal a check answers later', async () => {
    const list = new CheckList([
      check('rate_limit', () => Promise.resolve(refusal('rate_limited')), []),
    ]);
    await expect(
      list.enforce(auth, route, target, 'enforce', null),
    ).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('explains every check dry, in order, skipping those after a failure', async () => {
    const ran: Array<[CheckName, Mode]> = [];
    const list = new CheckList([
      check('ip', () => SKIP, ran),
      check('rate_limit', () => Promise.resolve(null), ran),
      check('privileges', () => refusal('missing_privilege'), ran),
      check('scope', () => null, ran),
    ]);
    expect(await list.explain(auth, route, target)).toEqual([
      { check: 'ip', result: 'skip', detail: 'ip skip' },
      { check: 'rate_limit', result: 'pass', detail: 'rate_limit pass' },
      {
        check: 'privileges',
        result: 'fail',
        code: 'missing_privilege',
        detail: 'missing_privilege!',
        missing_privileges: ['edit_events'],
        fix: 'fix privileges',
      },
      {
        check: 'scope',
        result: 'skip',
        detail: 'Not reached: an earlier check failed.',
      },
    ]);
    expect(ran.every(([, mode]) => mode === 'dry')).toBe(true);
    expect(ran.map(([name]) => name)).not.toContain('scope');
  });
});
