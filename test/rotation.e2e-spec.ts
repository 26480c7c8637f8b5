import type { Response } from 'supertest';
import { ApiKeyVerifier } from '../src/api-keys/api-key.verifier';
import {
  createKey,
  createUser,
  login,
  LoggedIn,
  USER_PASSWORD,
  seedScope,
} from './helpers/auth';
import { burst, statusCounts } from './helpers/burst';
import { FakeClock } from './helpers/fake-clock';
import { createTestApp, TestApp } from './helpers/test-app';

const START = Date.UTC(2031, 0, 1);

const RECORD_FIELDS = [
  'id',
  'title',
  'description',
  'mask',
  'active',
  'privileges',
  'categories',
  'groups',
  'roles',
  'max_per_sec',
  'allowed_ips',
  'ip_policy',
  'expires_at',
  'created_at',
  'updated_at',
  'last_used_at',
  'last_used_ip',
  'created_by',
].sort();

describe('POST /api/keys/:id/rotate (SPEC §3)', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp({}, new FakeClock(START));
    admin = await login(t.server);
    await seedScope(t.server, admin, ['prod'], ['web-1', 'web-2']);
  });
  afterAll(() => t.close());

  const rotate = (id: string, body?: unknown) => {
    const req = t
      .http()
      .post(`/api/keys/${id}/rotate`)
      .set('X-Session-ID', admin.sessionId);
    return body === undefined ? req : req.send(body as object);
  };

  const me = (secret: string) =>
    t.http().get('/api/me').set('X-API-Key', secret);

  const expectWorks = async (secret: string, id: string) => {
    const res = await me(secret);
    expect({ status: res.status, code: res.body.code }).toEqual({
      status: 200,
      code: undefined,
    });
    expect(res.body.id).toBe(id);
  };

  const expectRefused = async (secret: string, code: string) => {
    const res = await me(secret);
    expect({ status: res.status, code: res.body.code }).toEqual({
      status: 401,
      code,
    });
    expect(res.headers['www-authenticate']).toBe('ApiKey header="X-API-Key"');
  };

  const getKey = (id: string) =>
    t
      .http()
      .get(`/api/keys/${id}`)
      .set('X-Session-ID', admin.sessionId)
      .expect(200);

  describe('the response', () => {
    it('returns 201 with the same id, privileges, scope, limit, expiry and created_at, and a new key and mask', async () => {
      const expiresAt = new Date(START + 30 * 86_400_000).toISOString();
      const created = await createKey(t.server, admin, {
        title: 'CI deploy',
        description: 'deploys',
        privileges: ['run_jobs', 'create_events'],
        categories: ['prod'],
        groups: ['web-1', 'web-2'],
        max_per_sec: 25,
        expires_at: expiresAt,
      });
      t.clock.advance(5000);
      const res = await rotate(created.id, {}).expect(201);

      expect(Object.keys(res.body).sort()).toEqual(
        [...RECORD_FIELDS, 'key'].sort(),
      );
      const { key, mask, updated_at, ...rest } = res.body;
      const {
        key: oldKey,
        mask: oldMask,
        updated_at: _,
        ...oldRest
      } = created.body;
      expect(rest).toEqual(oldRest);
      expect(rest).toMatchObject({
        id: created.id,
        privileges: ['run_jobs', 'create_events'],
        categories: ['prod'],
        groups: ['web-1', 'web-2'],
        max_per_sec: 25,
        expires_at: expiresAt,
        created_at: created.body.created_at,
      });
      expect(updated_at).toBe(new Date(t.clock.now()).toISOString());
      expect(updated_at).not.toBe(created.body.updated_at);

      expect(key).toMatch(/^[A-Za-z0-9]{24}$/);
      expect(key).not.toBe(oldKey);
      expect(mask).toBe(`${key.slice(0, 4)}********${key.slice(-4)}`);
      expect(mask).not.toBe(oldMask);

      const stored = await getKey(created.id);
      expect(stored.body.mask).toBe(mask);
      expect(stored.body.key).toBeUndefined();
      const caller = await me(key).expect(200);
      expect(caller.body).toMatchObject({
        type: 'api_key',
        id: created.id,
        privileges: ['create_events', 'run_jobs'],
        categories: ['prod'],
        groups: ['web-1', 'web-2'],
        max_per_sec: 25,
      });
    });

    it('keeps last_used_at history and created_by through a rotation', async () => {
      const creator = await createKey(t.server, admin, {
        title: 'admin automation',
        privileges: ['admin'],
      });
      const res = await t
        .http()
        .post('/api/keys')
        .set('X-API-Key', creator.key)
        .send({ title: 'made by a key' })
        .expect(201);
      const { id, key: secret } = res.body as { id: string; key: string };
      expect(res.body.created_by).toBe(`key:${creator.id}`);

      const verifier = t.app.get(ApiKeyVerifier);
      await me(secret).expect(200);
      const firstUse = t.clock.now();
      await verifier.flush();
      t.clock.advance(3000);

      // Rotated by someone else (the admin session) than the creator (a key).
      const rotated = await rotate(id).expect(201);
      expect(rotated.body.created_by).toBe(`key:${creator.id}`);
      expect(rotated.body.last_used_at).toBe(new Date(firstUse).toISOString());

      await verifier.flush();
      expect((await getKey(id)).body).toMatchObject({
        created_by: `key:${creator.id}`,
        last_used_at: new Date(firstUse).toISOString(),
      });

      // The new secret keeps writing the same record's history.
      t.clock.advance(2000);
      await me(rotated.body.key).expect(200);
      const secondUse = t.clock.now();
      await verifier.flush();
      expect((await getKey(id)).body.last_used_at).toBe(
        new Date(secondUse).toISOString(),
      );
    });
  });

  describe('the old secret', () => {
    it.each([
      ['no body', undefined],
      ['an empty body', {}],
      ['grace_seconds 0', { grace_seconds: 0 }],
    ])(
      'is refused at once (401 invalid_api_key) with %s, the new one works',
      async (_label, body) => {
        const created = await createKey(t.server, admin);
        await expectWorks(created.key, created.id); // now cached as valid
        const res = await rotate(created.id, body).expect(201);
        await expectRefused(created.key, 'invalid_api_key');
        await expectWorks(res.body.key, created.id);
      },
    );

    it('works for grace_seconds and is refused from then on; the new one works throughout', async () => {
      const created = await createKey(t.server, admin);
      await expectWorks(created.key, created.id);
      const rotatedAt = t.clock.now();
      const { key } = (
        await rotate(created.id, { grace_seconds: 60 }).expect(201)
      ).body as { key: string };

      await expectWorks(created.key, created.id);
      await expectWorks(key, created.id);

      t.clock.advance(30_000);
      await expectWorks(created.key, created.id);

      t.clock.advance(rotatedAt + 59_999 - t.clock.now());
      await expectWorks(created.key, created.id);
      await expectWorks(key, created.id);

      t.clock.advance(1); // exactly rotatedAt + 60 s
      await expectRefused(created.key, 'invalid_api_key');
      await expectWorks(key, created.id);

      t.clock.advance(60_000);
      await expectRefused(created.key, 'invalid_api_key');
      await expectWorks(key, created.id);
    });

    it('never outlives the key: old and new are refused from expires_at, the new one with api_key_expired', async () => {
      const expiresAt = t.clock.now() + 30_000;
      const created = await createKey(t.server, admin, {
        expires_at: new Date(expiresAt).toISOString(),
      });
      const { key } = (
        await rotate(created.id, { grace_seconds: 60 }).expect(201)
      ).body as { key: string };

      t.clock.advance(expiresAt - 1 - t.clock.now());
      await expectWorks(created.key, created.id);
      await expectWorks(key, created.id);

      t.clock.advance(1);
      await expectRefused(key, 'api_key_expired');
      const old = await me(created.key);
      expect(old.status).toBe(401);
      expect(['invalid_api_key', 'api_key_expired']).toContain(old.body.code);

      // Extending the key afterwards renews the new secret only: the grace
      // ended at the old expires_at and does not come back (it would have run
      // to rotation + 60 s otherwise).
      t.clock.advance(10_000);
      await t
        .http()
        .patch(`/api/keys/${created.id}`)
        .set('X-Session-ID', admin.sessionId)
        .send({ expires_at: new Date(expiresAt + 86_400_000).toISOString() })
        .expect(200);
      await expectWorks(key, created.id);
      await expectRefused(created.key, 'invalid_api_key');
    });

    it('dies when the key is rotated a second time, whatever the first grace', async () => {
      const created = await createKey(t.server, admin);
      const first = (
        await rotate(created.id, { grace_seconds: 600 }).expect(201)
      ).body as { key: string };
      await expectWorks(created.key, created.id);

      t.clock.advance(1000);
      const second = (
        await rotate(created.id, { grace_seconds: 60 }).expect(201)
      ).body as { key: string };
      await expectRefused(created.key, 'invalid_api_key');
      await expectWorks(first.key, created.id);
      await expectWorks(second.key, created.id);

      const third = (await rotate(created.id).expect(201)).body as {
        key: string;
      };
      await expectRefused(created.key, 'invalid_api_key');
      await expectRefused(first.key, 'invalid_api_key');
      await expectRefused(second.key, 'invalid_api_key');
      await expectWorks(third.key, created.id);
    });

    it('shares one max_per_sec allowance with the new secret during the grace', async () => {
      const created = await createKey(t.server, admin, { max_per_sec: 4 });
      const { key } = (
        await rotate(created.id, { grace_seconds: 60 }).expect(201)
      ).body as { key: string };
      const responses = await burst(12, (i) => me(i % 2 ? key : created.key));
      expect(statusCounts(responses)).toEqual({ 200: 4, 429: 8 });
    });

    it('follows a PATCH made during the grace, which does not extend the grace', async () => {
      const created = await createKey(t.server, admin, {
        privileges: ['run_jobs'],
      });
      const rotatedAt = t.clock.now();
      await rotate(created.id, { grace_seconds: 60 }).expect(201);
      t.clock.advance(10_000);
      await t
        .http()
        .patch(`/api/keys/${created.id}`)
        .set('X-Session-ID', admin.sessionId)
        .send({ privileges: ['abort_jobs'] })
        .expect(200);
      expect((await me(created.key).expect(200)).body.privileges).toEqual([
        'abort_jobs',
      ]);
      t.clock.advance(rotatedAt + 60_000 - t.clock.now());
      await expectRefused(created.key, 'invalid_api_key');
    });

    it('and the new one are both refused once the key is deleted during the grace', async () => {
      const created = await createKey(t.server, admin);
      const { key } = (
        await rotate(created.id, { grace_seconds: 60 }).expect(201)
      ).body as { key: string };
      await t
        .http()
        .delete(`/api/keys/${created.id}`)
        .set('X-Session-ID', admin.sessionId)
        .expect(204);
      await expectRefused(created.key, 'invalid_api_key');
      await expectRefused(key, 'invalid_api_key');
    });
  });

  it('keeps a disabled key disabled', async () => {
    const created = await createKey(t.server, admin, { active: false });
    const res = await rotate(created.id).expect(201);
    expect(res.body.active).toBe(false);
    await expectRefused(res.body.key, 'api_key_disabled');
  });

  describe('refusals', () => {
    const expectValidation = (res: Response, field: string) => {
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(
        /^application\/problem\+json/,
      );
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
    };

    it.each([
      ['-1', -1],
      ['604801', 604801],
      ['the string "10"', '10'],
      ['1.5', 1.5],
      ['null', null],
      ['true', true],
    ])(
      'answers 400 validation_failed to grace_seconds %s and leaves the key as it was',
      async (_label, value) => {
        const created = await createKey(t.server, admin);
        const res = await rotate(created.id, { grace_seconds: value });
        expectValidation(res, 'grace_seconds');
        await expectWorks(created.key, created.id);
        expect((await getKey(created.id)).body.mask).toBe(created.body.mask);
      },
    );

    it('answers 400 validation_failed to an unknown property', async () => {
      const created = await createKey(t.server, admin);
      expectValidation(await rotate(created.id, { grace: 60 }), 'grace');
      await expectWorks(created.key, created.id);
    });

    it('accepts the bounds 0 and 604800', async () => {
      const created = await createKey(t.server, admin);
      await rotate(created.id, { grace_seconds: 0 }).expect(201);
      const { key } = (
        await rotate(created.id, {
          grace_seconds: 604800,
        }).expect(201)
      ).body as { key: string };
      await expectWorks(key, created.id);
    });

    it('answers 404 not_found for an unknown key id', async () => {
      const res = await rotate('no-such-key', { grace_seconds: 10 });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(
        /^application\/problem\+json/,
      );
      expect(res.body.code).toBe('not_found');
    });

    it('answers 403 missing_privilege to a non-admin key, even rotating itself, and changes nothing', async () => {
      const created = await createKey(t.server, admin, {
        privileges: ['run_jobs'],
      });
      const res = await t
        .http()
        .post(`/api/keys/${created.id}/rotate`)
        .set('X-API-Key', created.key)
        .send({});
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({
        code: 'missing_privilege',
        missing_privileges: ['admin'],
      });
      await expectWorks(created.key, created.id);
      expect((await getKey(created.id)).body.mask).toBe(created.body.mask);
    });

    it('answers 403 missing_privilege to a non-admin user session', async () => {
      await createUser(t.server, admin, {
        username: 'operator',
        privileges: ['edit_events'],
      });
      const operator = await login(t.server, 'operator', USER_PASSWORD);
      const created = await createKey(t.server, admin);
      const res = await t
        .http()
        .post(`/api/keys/${created.id}/rotate`)
        .set('X-Session-ID', operator.sessionId)
        .send({ grace_seconds: 5 });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('missing_privilege');
      await expectWorks(created.key, created.id);
    });
  });
});
