import { UsersService } from '../src/users/users.service';
import { createKey, LoggedIn, login } from './helpers/auth';
import { OutputCapture } from './helpers/log-capture';
import { createTestApp, TestApp } from './helpers/test-app';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The access line is written when the response closes: give it a few turns of the event loop. */
async function accessLines(
  output: OutputCapture,
  count: number,
): Promise<Record<string, any>[]> {
  const lines = () => output.json().filter((line) => line.context === 'HTTP');
  for (let i = 0; i < 100 && lines().length < count; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  return lines();
}

describe('request ids', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('keeps a well-formed incoming X-Request-Id', async () => {
    const id = 'edge-proxy.42_abc-DEF';
    const res = await t.http().get('/api/health').set('X-Request-Id', id);
    expect(res.headers['x-request-id']).toBe(id);
  });

  it('keeps one of 64 characters', async () => {
    const id = 'a'.repeat(64);
    const res = await t.http().get('/api/health').set('X-Request-Id', id);
    expect(res.headers['x-request-id']).toBe(id);
  });

  it.each([
    ['too long', 'a'.repeat(65)],
    ['a space', 'has space'],
    ['a quote', 'x"y'],
    ['a slash', 'a/b'],
    ['empty', ''],
  ])('replaces an incoming id with %s by a generated one', async (_, id) => {
    const res = await t.http().get('/api/health').set('X-Request-Id', id);
    expect(res.headers['x-request-id']).not.toBe(id);
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
  });

  it('generates a different well-formed id for every request without one', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await t.http().get('/api/health/live');
      expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
      ids.add(res.headers['x-request-id']);
    }
    expect(ids.size).toBe(20);
  });

  it.each([
    ['a 401', (t: TestApp) => t.http().get('/api/me'), 401],
    ['a 404 outside /api', (t: TestApp) => t.http().get('/nowhere'), 404],
    [
      'a malformed body',
      (t: TestApp) =>
        t
          .http()
          .post('/api/sessions')
          .set('Content-Type', 'application/json')
          .send('{"username":'),
      400,
    ],
  ])(
    'puts the request id in the problem body of %s, equal to the header',
    async (_, send, status) => {
      const res = await send(t);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.request_id).toMatch(REQUEST_ID);
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
    },
  );

  it('echoes the incoming id in the problem body', async () => {
    const res = await t.http().get('/api/me').set('X-Request-Id', 'trace-7');
    expect(res.body.request_id).toBe('trace-7');
  });
});

describe('JSON access logs (LOG_FORMAT=json, default LOG_LEVEL)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let output: OutputCapture;

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'log', LOG_FORMAT: 'json' });
    admin = await login(t.server);
  });
  beforeEach(() => {
    output = new OutputCapture();
  });
  afterEach(() => output.restore());
  afterAll(() => t.close());

  it('writes one JSON access line per request with the SPEC fields', async () => {
    const key = await createKey(t.server, admin);
    output.clear();
    const res = await t
      .http()
      .get('/api/me?limit=1')
      .set('X-API-Key', key.key)
      .set('X-Request-Id', 'json-line-1');
    expect(res.status).toBe(200);
    const lines = await accessLines(output, 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'log',
      method: 'GET',
      path: '/api/me?limit=1',
      status: 200,
      caller: `key:${key.id}`,
      request_id: 'json-line-1',
    });
    expect(typeof lines[0].duration_ms).toBe('number');
    expect(lines[0].duration_ms).toBeGreaterThanOrEqual(0);
    expect(typeof lines[0].time).toBe('string');
  });

  it('names a user caller by username and an anonymous one as null', async () => {
    await t.http().get('/api/me').set('X-Session-ID', admin.sessionId);
    await t.http().get('/api/me');
    const lines = await accessLines(output, 2);
    expect(lines.map((line) => [line.status, line.caller])).toEqual([
      [200, 'admin'],
      [401, null],
    ]);
  });

  it('prints every line as one JSON object, the 500 with its stack and request id', async () => {
    jest
      .spyOn(t.app.get(UsersService), 'list')
      .mockRejectedValueOnce(new Error('boom'));
    const res = await t
      .http()
      .get('/api/users')
      .set('X-Session-ID', admin.sessionId);
    expect(res.status).toBe(500);
    await accessLines(output, 1);
    const lines = output.json();
    const error = lines.find((line) => line.level === 'error');
    expect(error).toMatchObject({
      context: 'Errors',
      request_id: res.body.request_id,
    });
    expect(error?.stack).toMatch(/boom\n\s+at /);
    const access = lines.find((line) => line.context === 'HTTP');
    expect(access).toMatchObject({
      status: 500,
      request_id: res.body.request_id,
    });
  });
});

describe('pretty logs (the default outside production)', () => {
  it('writes readable text lines, the access line with its fields', async () => {
    const t = await createTestApp({ LOG_LEVEL: 'log' });
    const output = new OutputCapture();
    try {
      await t.http().get('/api/health/live').set('X-Request-Id', 'pretty-1');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const line = output.lines().find((l) => l.includes('[HTTP]'));
      expect(line).toBeDefined();
      expect(line).toContain('GET /api/health/live 200');
      expect(line).toContain('request_id=pretty-1');
      expect(line).toContain('caller=null');
      expect(() => JSON.parse(line!)).toThrow();
    } finally {
      output.restore();
      await t.close();
    }
  });
});

describe('start-up at the default LOG_LEVEL', () => {
  it('does not print a line per route or per module', async () => {
    const output = new OutputCapture();
    let t: TestApp | undefined;
    try {
      t = await createTestApp({ LOG_LEVEL: 'log', LOG_FORMAT: 'json' });
    } finally {
      output.restore();
    }
    const contexts = output.json().map((line) => line.context);
    expect(contexts).not.toContain('RouterExplorer');
    expect(contexts).not.toContain('RoutesResolver');
    expect(contexts).not.toContain('InstanceLoader');
    expect(output.lines().length).toBeLessThan(5);
    await t.close();
  });
});

describe.each(['json', 'pretty'])(
  'redaction at LOG_LEVEL=verbose, LOG_FORMAT=%s',
  (format) => {
    let t: TestApp;
    let key: string;
    let session: LoggedIn;
    let output: OutputCapture;

    beforeAll(async () => {
      t = await createTestApp({ LOG_LEVEL: 'verbose', LOG_FORMAT: format });
      session = await login(t.server);
      key = (await createKey(t.server, session, { privileges: ['admin'] })).key;
    });
    beforeEach(() => {
      output = new OutputCapture();
    });
    afterEach(() => output.restore());
    afterAll(() => t.close());

    // SPEC §2's six places, each carrying a valid credential.
    const transports: [string, (t: TestApp) => Promise<{ status: number }>][] =
      [
        [
          'header X-API-Key',
          (t) => t.http().get('/api/me').set('X-API-Key', key),
        ],
        [
          'header X-Session-ID',
          (t) => t.http().get('/api/me').set('X-Session-ID', session.sessionId),
        ],
        ['query api_key', (t) => t.http().get(`/api/me?api_key=${key}`)],
        [
          'query session_id',
          (t) => t.http().get(`/api/me?x=1&session_id=${session.sessionId}`),
        ],
        [
          'body api_key',
          (t) =>
            t
              .http()
              .post('/api/categories')
              .send({ id: 'logged', title: 'Logged', api_key: key }),
        ],
        [
          'cookie session_id (with X-CSRF-Token)',
          (t) =>
            t
              .http()
              .post('/api/categories')
              .set('Cookie', session.cookie)
              .set('X-CSRF-Token', session.csrfToken)
              .send({ id: 'cookie-logged', title: 'Cookie' }),
        ],
      ];

    it.each(transports)(
      'writes no credential sent as %s into any line',
      async (_, send) => {
        const res = await send(t);
        expect([200, 201]).toContain(res.status);
        await new Promise((resolve) => setTimeout(resolve, 20));
        const lines = output.lines();
        // The access line is there, and names the caller...
        expect(lines.some((line) => line.includes('/api/'))).toBe(true);
        // ...and no line holds a secret.
        for (const line of lines) {
          expect(line).not.toContain(key);
          expect(line).not.toContain(session.sessionId);
          expect(line).not.toContain(session.csrfToken);
        }
      },
    );

    it('keeps headers that are not credentials, and marks redacted ones', async () => {
      await t
        .http()
        .get(`/api/me?api_key=${key}`)
        .set('X-Trace', 'visible-trace-value')
        .set('X-CSRF-Token', session.csrfToken);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const text = output.lines().join('\n');
      expect(text).toContain('visible-trace-value');
      expect(text).toContain('/api/me?api_key=[REDACTED]');
      expect(text).toContain('[REDACTED]');
      expect(text).not.toContain(session.csrfToken);
    });
  },
);
