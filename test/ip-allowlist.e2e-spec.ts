import { createKey, login, LoggedIn } from './helpers/auth';
import { FakeClock } from './helpers/fake-clock';
import { expectProblem } from './helpers/problem';
import { createTestApp, TestApp } from './helpers/test-app';

/** SPEC §19: allowed_ips per key, enforce or report; the client IP follows TRUST_PROXY. */
describe('IP allowlists per key', () => {
  let t: TestApp;
  let admin: LoggedIn;

  const keys = () => ({
    patch: (id: string, body: object) =>
      t
        .http()
        .patch(`/api/keys/${id}`)
        .set('X-Session-ID', admin.sessionId)
        .send(body),
    post: (body: object) =>
      t
        .http()
        .post('/api/keys')
        .set('X-Session-ID', admin.sessionId)
        .send({ title: 'k', ...body }),
  });
  const me = (key: string, from?: string) => {
    const req = t.http().get('/api/me').set('X-API-Key', key);
    return from ? req.set('X-Forwarded-For', from) : req;
  };
  const audit = async (action: string, keyId: string) =>
    (
      await t
        .http()
        .get(`/api/audit?action=${action}&target_id=${keyId}`)
        .set('X-Session-ID', admin.sessionId)
        .expect(200)
    ).body.items as Array<Record<string, any>>;

  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'loopback' }, new FakeClock());
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  it('stores addresses and blocks in their normal form, once, enforcing by default', async () => {
    const res = await keys()
      .post({
        allowed_ips: [
          '10.1.2.3/8',
          '2001:DB8::1',
          '::ffff:192.0.2.7',
          '10.0.0.0/8',
        ],
      })
      .expect(201);
    expect(res.body).toMatchObject({
      allowed_ips: ['10.0.0.0/8', '2001:db8::1', '192.0.2.7'],
      ip_policy: 'enforce',
    });
    const plain = await keys().post({}).expect(201);
    expect(plain.body).toMatchObject({ allowed_ips: [], ip_policy: 'enforce' });
  });

  it('refuses a request from outside with 403 ip_not_allowed naming the IP, audited access.denied', async () => {
    const key = await createKey(t.server, admin, {
      allowed_ips: ['10.0.0.0/8'],
    });
    await me(key.key, '10.20.30.40').expect(200);
    const res = await me(key.key, '203.0.113.9');
    const body = expectProblem(res, 403, 'ip_not_allowed');
    expect(body.ip).toBe('203.0.113.9');
    // Without a proxy header: the socket's own address, IPv4 as such.
    expect(expectProblem(await me(key.key), 403, 'ip_not_allowed').ip).toBe(
      '127.0.0.1',
    );
    const denied = await audit('access.denied', key.id);
    expect(denied[0]).toMatchObject({
      code: 'ip_not_allowed',
      outcome: 'denied',
      actor: `key:${key.id}`,
    });
  });

  it('takes a new allowlist on the very next request', async () => {
    const key = await createKey(t.server, admin, {
      allowed_ips: ['10.0.0.0/8'],
    });
    await me(key.key, '198.51.100.1').expect(403);
    await keys()
      .patch(key.id, { allowed_ips: ['198.51.100.0/24'] })
      .expect(200);
    await me(key.key, '198.51.100.1').expect(200);
    await me(key.key, '10.0.0.1').expect(403);
    await keys().patch(key.id, { allowed_ips: [] }).expect(200);
    await me(key.key, '10.0.0.1').expect(200);
  });

  it('matches IPv6 blocks, and IPv4 clients seen through IPv6', async () => {
    const key = await createKey(t.server, admin, {
      allowed_ips: ['2001:db8::/32', '::ffff:127.0.0.0/104'],
    });
    await me(key.key, '2001:db8:1::5').expect(200);
    await me(key.key, '2001:db9::5').expect(403);
    await me(key.key).expect(200);
  });

  it('in report mode lets the request through and audits access.ip_report once per key and IP per hour', async () => {
    const key = await createKey(t.server, admin, {
      allowed_ips: ['10.0.0.0/8'],
      ip_policy: 'report',
    });
    await me(key.key, '203.0.113.1').expect(200);
    await me(key.key, '203.0.113.1').expect(200);
    await me(key.key, '10.0.0.1').expect(200);
    await me(key.key, '203.0.113.2').expect(200);
    let reports = await audit('access.ip_report', key.id);
    expect(reports.map((r) => r.details.ip).sort()).toEqual([
      '203.0.113.1',
      '203.0.113.2',
    ]);
    expect(reports[0]).toMatchObject({
      actor: `key:${key.id}`,
      target_type: 'api_key',
      outcome: 'success',
      details: { allowed_ips: ['10.0.0.0/8'], path: '/api/me' },
    });
    t.clock.advance(3_600_000);
    admin = await login(t.server);
    await me(key.key, '203.0.113.1').expect(200);
    reports = await audit('access.ip_report', key.id);
    expect(reports).toHaveLength(3);
  });

  it('refuses malformed entries, more than 100, and an unknown policy with 400', async () => {
    for (const body of [
      { allowed_ips: ['10.0.0.0/33'] },
      { allowed_ips: ['not-an-ip'] },
      { allowed_ips: ['1.2.3'] },
      { allowed_ips: ['10.0.0.1', '10.0.0.1'] },
      { allowed_ips: Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`) },
      { allowed_ips: '10.0.0.1' },
      { ip_policy: 'audit' },
    ]) {
      const res = await keys().post(body);
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors[0].field).toBe(Object.keys(body)[0]);
    }
  });

  it('records the client IP TRUST_PROXY gives as the key’s last_used_ip', async () => {
    const key = await createKey(t.server, admin);
    await me(key.key, '192.0.2.44').expect(200);
    const res = await t
      .http()
      .get(`/api/keys/${key.id}`)
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    expect(res.body.last_used_ip).toBe('192.0.2.44');
  });

  it('leaves sessions alone', async () => {
    await t
      .http()
      .get('/api/me')
      .set('X-Session-ID', admin.sessionId)
      .set('X-Forwarded-For', '203.0.113.1')
      .expect(200);
  });

  it('is explained: the ip check fails for another caller from here, with the fix', async () => {
    const key = await createKey(t.server, admin, {
      allowed_ips: ['10.0.0.0/8'],
    });
    const res = await t
      .http()
      .post('/api/auth/explain')
      .set('X-Session-ID', admin.sessionId)
      .set('X-Forwarded-For', '203.0.113.5')
      .send({ method: 'GET', path: '/api/me', as: { api_key_id: key.id } })
      .expect(200);
    expect(res.body.allowed).toBe(false);
    expect(res.body.checks[1]).toEqual({
      check: 'ip',
      result: 'fail',
      code: 'ip_not_allowed',
      detail: 'API key "test key" may not be used from 203.0.113.5.',
      fix: 'add 203.0.113.5 to allowed_ips, or set ip_policy report',
    });
  });
});
