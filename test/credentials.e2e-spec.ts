import type { Test } from 'supertest';
import {
  CreatedKey,
  LoggedIn,
  createKey,
  createUser,
  login,
  USER_PASSWORD,
} from './helpers/auth';
import { expectProblem, fieldsOf } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';
import { sql } from './helpers/test-database';

/** Well-formed but unknown: they reach the lookup and fail there. */
const UNKNOWN_KEY = 'NotARealKeyButWellFormed';
const UNKNOWN_SESSION = 'x'.repeat(43);

type Kind = 'api_key' | 'session';

interface Place {
  name: string;
  kind: Kind;
  put: (req: Test, secret: string) => Test;
}

/** SPEC §2, in order of precedence. */
const PLACES: Place[] = [
  {
    name: 'X-API-Key header',
    kind: 'api_key',
    put: (req, secret) => req.set('X-API-Key', secret),
  },
  {
    name: 'X-Session-ID header',
    kind: 'session',
    put: (req, secret) => req.set('X-Session-ID', secret),
  },
  {
    name: 'api_key query',
    kind: 'api_key',
    put: (req, secret) => req.query({ api_key: secret }),
  },
  {
    name: 'session_id query',
    kind: 'session',
    put: (req, secret) => req.query({ session_id: secret }),
  },
  {
    name: 'api_key JSON body',
    kind: 'api_key',
    put: (req, secret) => req.send({ api_key: secret }),
  },
  {
    name: 'session_id cookie',
    kind: 'session',
    put: (req, secret) => req.set('Cookie', `session_id=${secret}`),
  },
];

const unknownFor = (kind: Kind) =>
  kind === 'api_key' ? UNKNOWN_KEY : UNKNOWN_SESSION;
const invalidCode = (kind: Kind) =>
  kind === 'api_key' ? 'invalid_api_key' : 'invalid_session';

const PAIRS: [number, number][] = PLACES.flatMap((_, i) =>
  PLACES.slice(i + 1).map((__, k): [number, number] => [i, i + 1 + k]),
);
const pairName = ([i, j]: [number, number]) =>
  `${PLACES[i].name} over ${PLACES[j].name}`;

interface Identity {
  secret: string;
  /** What GET /api/me answers as `id`. */
  id: string;
}

describe('credentials', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let adminKey: CreatedKey;
  /** One distinct caller per place, so /api/me tells which place was used. */
  const identities: Identity[] = [];

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '1000' });
    admin = await login(t.server);
    adminKey = await createKey(t.server, admin, {
      title: 'admin key',
      privileges: ['admin'],
    });
    for (const [index, place] of PLACES.entries()) {
      if (place.kind === 'api_key') {
        const key = await createKey(t.server, admin, { title: `key ${index}` });
        identities.push({ secret: key.key, id: key.id });
      } else {
        const username = `user${index}`;
        await createUser(t.server, admin, { username });
        const session = await login(t.server, username, USER_PASSWORD);
        identities.push({ secret: session.sessionId, id: username });
      }
    }
  });
  afterAll(() => t.close());

  // The probe route: it answers who called, takes all six places (a GET may
  // carry a JSON body) and, being a GET, needs no CSRF token for the cookie.
  const me = () => t.http().get('/api/me');

  describe('each of the six places authenticates', () => {
    it.each(PLACES.map((place, index) => [place.name, index] as const))(
      'the %s',
      async (_name, index) => {
        const place = PLACES[index];
        const res = await place.put(me(), identities[index].secret);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          type: place.kind === 'api_key' ? 'api_key' : 'user',
          id: identities[index].id,
        });
      },
    );

    it('the api_key JSON body property on a POST', async () => {
      const res = await t
        .http()
        .post('/api/keys')
        .send({ title: 'made with a body key', api_key: adminKey.key });
      expect(res.status).toBe(201);
      expect(res.body.created_by).toBe(`key:${adminKey.id}`);
    });

    it('the api_key JSON body property on a PATCH', async () => {
      const target = await createKey(t.server, admin, { title: 'to patch' });
      const res = await t
        .http()
        .patch(`/api/keys/${target.id}`)
        .send({ description: 'patched', api_key: adminKey.key });
      expect(res.status).toBe(200);
      expect(res.body.description).toBe('patched');
    });
  });

  describe('precedence: the earlier place is used', () => {
    it.each(PAIRS.map((pair) => [pairName(pair), pair] as const))(
      '%s, when both are valid',
      async (_name, [i, j]) => {
        const req = PLACES[j].put(
          PLACES[i].put(me(), identities[i].secret),
          identities[j].secret,
        );
        const res = await req;
        expect(res.status).toBe(200);
        expect(res.body.id).toBe(identities[i].id);
      },
    );

    it.each(PAIRS.map((pair) => [pairName(pair), pair] as const))(
      '%s, ignoring an unknown later credential',
      async (_name, [i, j]) => {
        const res = await PLACES[j].put(
          PLACES[i].put(me(), identities[i].secret),
          unknownFor(PLACES[j].kind),
        );
        expect(res.status).toBe(200);
        expect(res.body.id).toBe(identities[i].id);
      },
    );

    it.each(PAIRS.map((pair) => [pairName(pair), pair] as const))(
      '%s: an unknown earlier credential is a 401 with no fallback',
      async (_name, [i, j]) => {
        const res = await PLACES[j].put(
          PLACES[i].put(me(), unknownFor(PLACES[i].kind)),
          identities[j].secret,
        );
        expectProblem(res, 401, invalidCode(PLACES[i].kind));
      },
    );

    it('a malformed X-API-Key is a 401 even with a valid session cookie', async () => {
      const res = await me()
        .set('X-API-Key', 'short')
        .set('Cookie', `session_id=${admin.sessionId}`);
      expectProblem(res, 401, 'invalid_api_key');
    });
  });

  describe('malformed credentials are a 401, never a 500', () => {
    const validKey = () => adminKey.key;
    const cases: [string, () => Test, Kind][] = [
      ['an empty X-API-Key header', () => me().set('X-API-Key', ''), 'api_key'],
      [
        'an empty X-Session-ID header',
        () => me().set('X-Session-ID', ''),
        'session',
      ],
      [
        'an empty api_key query parameter',
        () => t.http().get('/api/me?api_key='),
        'api_key',
      ],
      [
        'an empty session_id query parameter',
        () => t.http().get('/api/me?session_id='),
        'session',
      ],
      [
        'an empty api_key body property',
        () => me().send({ api_key: '' }),
        'api_key',
      ],
      [
        'an empty session_id cookie',
        () => me().set('Cookie', 'session_id='),
        'session',
      ],
      [
        'a repeated api_key query parameter (an array), even of a valid key',
        () =>
          t.http().get(`/api/me?api_key=${validKey()}&api_key=${validKey()}`),
        'api_key',
      ],
      [
        'a repeated session_id query parameter (an array), even of a valid session',
        () =>
          t
            .http()
            .get(
              `/api/me?session_id=${admin.sessionId}&session_id=${admin.sessionId}`,
            ),
        'session',
      ],
      [
        'two session_id cookies, even valid ones',
        () =>
          me().set(
            'Cookie',
            `session_id=${admin.sessionId}; session_id=${admin.sessionId}`,
          ),
        'session',
      ],
      [
        'a body api_key that is an array',
        () => me().send({ api_key: [validKey()] }),
        'api_key',
      ],
      [
        'a body api_key that is an object',
        () => me().send({ api_key: { key: validKey() } }),
        'api_key',
      ],
      [
        'a body api_key that is a number',
        () => me().send({ api_key: 123456789 }),
        'api_key',
      ],
      [
        'a body api_key that is null',
        () => me().send({ api_key: null }),
        'api_key',
      ],
      [
        'a body api_key that is true',
        () => me().send({ api_key: true }),
        'api_key',
      ],
      [
        'a repeated X-API-Key header, even of a valid key',
        () => me().set('X-API-Key', [validKey(), validKey()] as any),
        'api_key',
      ],
      [
        'a repeated X-Session-ID header, even of a valid session',
        () =>
          me().set('X-Session-ID', [admin.sessionId, admin.sessionId] as any),
        'session',
      ],
      [
        'a 19-character key',
        () => me().set('X-API-Key', validKey().slice(0, 19)),
        'api_key',
      ],
      [
        'a key with a non-alphanumeric character',
        () => me().set('X-API-Key', `${validKey().slice(0, 23)}!`),
        'api_key',
      ],
      [
        'a query key with a percent-encoded non-alphanumeric character',
        () => t.http().get(`/api/me?api_key=${validKey().slice(0, 23)}%2D`),
        'api_key',
      ],
      [
        'a valid key with a character appended',
        () => me().set('X-API-Key', `${validKey()}!`),
        'api_key',
      ],
      [
        'a session ID with padding',
        () => me().set('X-Session-ID', `${admin.sessionId}=`),
        'session',
      ],
      [
        'a session ID cut short',
        () => me().set('X-Session-ID', admin.sessionId.slice(0, 42)),
        'session',
      ],
    ];

    it.each(cases)('%s', async (_name, send, kind) => {
      expectProblem(await send(), 401, invalidCode(kind));
    });

    it('a valid key with its case swapped is unknown (keys are case-sensitive)', async () => {
      const swapped = [...adminKey.key]
        .map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()))
        .join('');
      expectProblem(
        await me().set('X-API-Key', swapped),
        401,
        'invalid_api_key',
      );
    });
  });

  describe('no credential', () => {
    it('returns 401 no_credentials on a protected route', async () => {
      const body = expectProblem(await me(), 401, 'no_credentials');
      expect(body.type).toBe('about:blank');
    });

    it('returns 401 no_credentials, not a validation error, on a write with a bad body', async () => {
      const res = await t.http().post('/api/keys').send({ nonsense: true });
      expectProblem(res, 401, 'no_credentials');
    });

    it('returns 401 no_credentials when only unrelated cookies are sent', async () => {
      const res = await me().set('Cookie', 'theme=dark; lang=en');
      expectProblem(res, 401, 'no_credentials');
    });

    it('puts WWW-Authenticate: ApiKey header="X-API-Key" on every 401', async () => {
      for (const res of [
        await me(),
        await me().set('X-API-Key', UNKNOWN_KEY),
        await me().set('X-Session-ID', UNKNOWN_SESSION),
      ]) {
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe(
          'ApiKey header="X-API-Key"',
        );
      }
    });
  });

  describe('the body api_key is removed before validation', () => {
    it('creates the key, with no unknown-property error and no trace of the credential', async () => {
      const res = await t
        .http()
        .post('/api/keys')
        .send({ title: 'body credential', api_key: adminKey.key });
      expect(res.status).toBe(201);
      expect(res.body).not.toHaveProperty('api_key');
      expect(JSON.stringify(res.body)).not.toContain(adminKey.key);

      const fetched = await t
        .http()
        .get(`/api/keys/${res.body.id}`)
        .set('X-API-Key', adminKey.key)
        .expect(200);
      expect(fetched.body).not.toHaveProperty('api_key');
      expect(JSON.stringify(fetched.body)).not.toContain(adminKey.key);

      const rows = await t.dataSource.query(
        sql('SELECT * FROM api_keys WHERE id = ?'),
        [res.body.id],
      );
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(adminKey.key);
    });

    it('is removed even when a header credential is the one used', async () => {
      const res = await t
        .http()
        .post('/api/keys')
        .set('X-Session-ID', admin.sessionId)
        .send({ title: 'header wins', api_key: UNKNOWN_KEY });
      expect(res.status).toBe(201);
      expect(res.body.created_by).toBe('admin');
      expect(res.body).not.toHaveProperty('api_key');
    });

    it('while a body session_id is not a credential and is refused as unknown', async () => {
      const res = await t
        .http()
        .post('/api/keys')
        .set('X-API-Key', adminKey.key)
        .send({ title: 'x', session_id: admin.sessionId });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toContain('session_id');
    });
  });

  describe('query credentials do not trip list-query validation', () => {
    beforeAll(async () => {
      for (let i = 0; i < 6; i++) {
        await createKey(t.server, admin, { title: `filler ${i}` });
      }
    });

    it('GET /api/keys?api_key=…&limit=5 returns 5 items', async () => {
      const res = await t
        .http()
        .get(`/api/keys?api_key=${adminKey.key}&limit=5`);
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(5);
      expect(res.body.total).toBeGreaterThan(5);
    });

    it('GET /api/keys?session_id=…&limit=5 returns 5 items', async () => {
      const res = await t
        .http()
        .get(`/api/keys?session_id=${admin.sessionId}&limit=5`);
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(5);
    });

    it('while another unknown query parameter is still a 400', async () => {
      const res = await t
        .http()
        .get('/api/keys?limit=5&colour=red')
        .set('X-API-Key', adminKey.key);
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toContain('colour');
    });

    it('sends Referrer-Policy: no-referrer so the query credential does not leak', async () => {
      const res = await t.http().get(`/api/me?api_key=${adminKey.key}`);
      expect(res.status).toBe(200);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    });
  });
});

describe('credentials with ALLOW_QUERY_CREDENTIALS=false', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let key: CreatedKey;

  beforeAll(async () => {
    t = await createTestApp({ ALLOW_QUERY_CREDENTIALS: 'false' });
    admin = await login(t.server);
    key = await createKey(t.server, admin, { privileges: ['admin'] });
  });
  afterAll(() => t.close());

  it('returns 400 validation_failed for a valid api_key in the query', async () => {
    const res = await t.http().get(`/api/me?api_key=${key.key}`);
    expectProblem(res, 400, 'validation_failed');
    expect(fieldsOf(res)).toEqual(['api_key']);
  });

  it('returns 400 validation_failed for a valid session_id in the query', async () => {
    const res = await t.http().get(`/api/me?session_id=${admin.sessionId}`);
    expectProblem(res, 400, 'validation_failed');
    expect(fieldsOf(res)).toEqual(['session_id']);
  });

  it('still accepts the headers, the body and the cookie', async () => {
    await t.http().get('/api/me').set('X-API-Key', key.key).expect(200);
    await t
      .http()
      .get('/api/me')
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    await t.http().get('/api/me').send({ api_key: key.key }).expect(200);
    await t
      .http()
      .get('/api/me')
      .set('Cookie', `session_id=${admin.sessionId}`)
      .expect(200);
  });

  it('leaves public routes alone', async () => {
    await t.http().get(`/api/health/live?api_key=${key.key}`).expect(200);
  });

  it('refuses a query api_key even when a valid X-API-Key header is also present', async () => {
    const res = await t
      .http()
      .get(`/api/me?api_key=${key.key}`)
      .set('X-API-Key', key.key);
    expectProblem(res, 400, 'validation_failed');
  });

  it('refuses a query session_id even when a valid X-Session-ID header is also present', async () => {
    const res = await t
      .http()
      .get(`/api/me?session_id=${admin.sessionId}`)
      .set('X-Session-ID', admin.sessionId);
    expectProblem(res, 400, 'validation_failed');
  });
});
