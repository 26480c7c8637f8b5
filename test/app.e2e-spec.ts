import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import { QueryFailedError } from 'typeorm';
import { UsersService } from '../src/users/users.service';
import { LoggedIn, login } from './helpers/auth';
import { LogCapture } from './helpers/log-capture';
import { expectNoLeak, expectProblem } from './helpers/problem';
import { createTestApp, TestApp } from './helpers/test-app';

const MIB = 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A login body of exactly `bytes` bytes: valid JSON whose password is far too long. */
function loginBodyOf(bytes: number): string {
  const head = '{"username":"admin","password":"';
  const tail = '"}';
  const body = head + 'x'.repeat(bytes - head.length - tail.length) + tail;
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

describe('the HTTP skeleton', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const postJson = (path: string, body: string) =>
    t.http().post(path).set('Content-Type', 'application/json').send(body);

  describe('health', () => {
    it('answers GET /api/health with 200 {"status":"ok"} after querying the database', async () => {
      const query = jest.spyOn(t.dataSource, 'query');
      const res = await t.http().get('/api/health');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json\b/);
      expect(res.body).toEqual({ status: 'ok' });
      expect(query).toHaveBeenCalled();
    });

    it('answers GET /api/health/live with 200 {"status":"ok"} without querying the database', async () => {
      const query = jest.spyOn(t.dataSource, 'query');
      const res = await t.http().get('/api/health/live');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
      expect(query).not.toHaveBeenCalled();
    });

    it('returns 503 unavailable from GET /api/health when the database query fails, without the driver message', async () => {
      jest
        .spyOn(t.dataSource, 'query')
        .mockRejectedValueOnce(
          new Error('SQLITE_BUSY: database is locked at SELECT 1'),
        );
      const res = await t.http().get('/api/health');
      const body = expectProblem(res, 503, 'unavailable');
      expect(body.detail).not.toMatch(/SQLITE|locked/);
    });
  });

  describe('unknown routes', () => {
    it('returns 404 not_found for an unknown path under /api', async () => {
      expectProblem(await t.http().get('/api/no-such-route'), 404, 'not_found');
    });

    it('returns 404 not_found for a path outside /api', async () => {
      expectProblem(await t.http().get('/health'), 404, 'not_found');
    });

    it('returns 404 not_found for a known path with an unmapped method', async () => {
      expectProblem(await t.http().delete('/api/health'), 404, 'not_found');
    });
  });

  describe('request bodies', () => {
    it.each([
      ['an unterminated object', '{"username":"admin"'],
      ['a trailing comma', '{"username":"admin",}'],
      ['a bare word', 'hello'],
    ])('returns 400 malformed_json for a body with %s', async (_name, text) => {
      expectProblem(
        await postJson('/api/sessions', text),
        400,
        'malformed_json',
      );
    });

    it('returns 400 validation_failed naming an unknown body property', async () => {
      const res = await t
        .http()
        .post('/api/sessions')
        .send({ username: 'admin', password: 'whatever-1', extra: 1 });
      const body = expectProblem(res, 400, 'validation_failed');
      expect(body.errors).toEqual([
        { field: 'extra', message: expect.stringContaining('extra') },
      ]);
    });

    it('lists every failing field, unknown and invalid alike, as {field, message}', async () => {
      const res = await t
        .http()
        .post('/api/sessions')
        .send({ username: 42, password: 'whatever-1', one: 1, two: 2 });
      const body = expectProblem(res, 400, 'validation_failed');
      const fields = (body.errors as { field: string; message: string }[]).map(
        (error) => error.field,
      );
      expect(new Set(fields)).toEqual(new Set(['username', 'one', 'two']));
      for (const error of body.errors) {
        expect(Object.keys(error).sort()).toEqual(['field', 'message']);
        expect(typeof error.message).toBe('string');
      }
    });

    it('returns 400 validation_failed for a JSON array body', async () => {
      const res = await postJson('/api/sessions', '[{"username":"admin"}]');
      const body = expectProblem(res, 400, 'validation_failed');
      expect(body.errors).toEqual([
        { field: 'body', message: 'must be a JSON object' },
      ]);
    });

    it('returns 400 validation_failed, not malformed_json, for a JSON string body', async () => {
      const res = await postJson('/api/sessions', '"admin"');
      const body = expectProblem(res, 400, 'validation_failed');
      expect(body.errors).toEqual([
        { field: 'body', message: 'must be a JSON object' },
      ]);
    });

    it('returns 400 (never a 500) for a JSON string body', async () => {
      const res = await postJson('/api/sessions', '"admin"');
      expect(res.status).toBe(400);
      expect(['validation_failed', 'malformed_json']).toContain(res.body.code);
      expect(res.headers['content-type']).toMatch(
        /^application\/problem\+json\b/,
      );
    });

    it('returns 400 validation_failed naming an invalid and an unknown query parameter', async () => {
      const res = await t
        .http()
        .get('/api/users?limit=0&color=red')
        .set('X-Session-ID', admin.sessionId);
      const body = expectProblem(res, 400, 'validation_failed');
      const fields = body.errors.map((error: { field: string }) => error.field);
      expect(new Set(fields)).toEqual(new Set(['limit', 'color']));
    });

    it('returns 413 payload_too_large for a body of 1 MiB and one byte', async () => {
      const res = await postJson('/api/sessions', loginBodyOf(MIB + 1));
      expectProblem(res, 413, 'payload_too_large');
    });

    it('accepts a body of exactly 1 MiB as far as size goes (it fails validation instead)', async () => {
      const res = await postJson('/api/sessions', loginBodyOf(MIB));
      const body = expectProblem(res, 400, 'validation_failed');
      expect(body.errors.map((e: { field: string }) => e.field)).toEqual([
        'password',
      ]);
    });

    it('returns 413 payload_too_large for a chunked body that passes 1 MiB without a Content-Length', async () => {
      const res = await postChunked(t, '/api/sessions', MIB + 64 * 1024);
      expect(res.status).toBe(413);
      expect(res.contentType).toMatch(/^application\/problem\+json\b/);
      expect(JSON.parse(res.body)).toMatchObject({
        status: 413,
        code: 'payload_too_large',
      });
    });
  });

  describe('unexpected errors', () => {
    const SECRET_MESSAGE =
      'boom: SELECT password_hash FROM users WHERE username = admin';

    it('returns 500 internal_error with a request_id and no internal message when a handler throws', async () => {
      const logs = new LogCapture();
      jest
        .spyOn(t.app.get(UsersService), 'list')
        .mockRejectedValueOnce(new Error(SECRET_MESSAGE));
      const res = await t
        .http()
        .get('/api/users')
        .set('X-Session-ID', admin.sessionId);
      const body = expectProblem(res, 500, 'internal_error');
      expect(body.request_id).toMatch(UUID);
      expect(res.text).not.toContain('boom');
      expect(res.text).not.toContain('password_hash');
      logs.restore();
    });

    it('logs the 500 with its request_id and the stack, which the response leaves out', async () => {
      const logs = new LogCapture();
      jest
        .spyOn(t.app.get(UsersService), 'list')
        .mockRejectedValueOnce(new Error(SECRET_MESSAGE));
      const res = await t
        .http()
        .get('/api/users')
        .set('X-Session-ID', admin.sessionId);
      expect(res.status).toBe(500);
      const errors = logs.entries.filter((entry) => entry.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0].text).toContain(res.body.request_id);
      expect(errors[0].text).toContain(SECRET_MESSAGE);
      expect(errors[0].text).toMatch(/\n\s+at /);
      logs.restore();
    });

    it('gives each 500 its own request_id', async () => {
      const logs = new LogCapture();
      jest
        .spyOn(t.app.get(UsersService), 'list')
        .mockRejectedValue(new Error(SECRET_MESSAGE));
      const ids = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const res = await t
          .http()
          .get('/api/users')
          .set('X-Session-ID', admin.sessionId);
        ids.add(res.body.request_id);
      }
      expect(ids.size).toBe(3);
      logs.restore();
    });

    it('returns 500 internal_error without the SQL when a query fails unexpectedly', async () => {
      const logs = new LogCapture();
      const driverError = Object.assign(
        new Error('SQLITE_ERROR: no such column: password_hash'),
        { code: 'SQLITE_ERROR', errno: 1 },
      );
      jest
        .spyOn(t.app.get(UsersService), 'list')
        .mockRejectedValueOnce(
          new QueryFailedError(
            'SELECT "password_hash" FROM "users"',
            [],
            driverError,
          ),
        );
      const res = await t
        .http()
        .get('/api/users')
        .set('X-Session-ID', admin.sessionId);
      expectProblem(res, 500, 'internal_error');
      expect(res.text).not.toContain('password_hash');
      logs.restore();
    });

    it('returns 409 conflict without the SQL when a write hits a database constraint', async () => {
      const driverError = Object.assign(
        new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: users.name'),
        { code: 'SQLITE_CONSTRAINT', errno: 19 },
      );
      jest
        .spyOn(t.app.get(UsersService), 'create')
        .mockRejectedValueOnce(
          new QueryFailedError(
            'INSERT INTO "users"("username") VALUES (?)',
            ['admin'],
            driverError,
          ),
        );
      const res = await t
        .http()
        .post('/api/users')
        .set('X-Session-ID', admin.sessionId)
        .send({ username: 'racer', password: 'password-123' });
      expectProblem(res, 409, 'conflict');
      expect(res.text).not.toMatch(/UNIQUE|users\.name/);
    });
  });

  describe('headers', () => {
    type Call = () => Promise<Response>;
    const responses: [string, number, Call][] = [
      ['200 JSON', 200, () => t.http().get('/api/health')],
      [
        '201 JSON',
        201,
        () =>
          t
            .http()
            .post('/api/sessions')
            .send({ username: 'admin', password: 'admin-password-1' }),
      ],
      [
        '204 empty',
        204,
        async () => {
          const session = await login(t.server);
          return t
            .http()
            .delete('/api/sessions/current')
            .set('X-Session-ID', session.sessionId);
        },
      ],
      ['400 problem', 400, () => postJson('/api/sessions', '{')],
      ['401 problem', 401, () => t.http().get('/api/me')],
      ['404 problem', 404, () => t.http().get('/api/nothing')],
      [
        '413 problem',
        413,
        () => postJson('/api/sessions', loginBodyOf(MIB + 1)),
      ],
    ];

    it.each(responses)(
      'sends Referrer-Policy: no-referrer on a %s response',
      async (_name, status, call) => {
        const res = await call();
        expect(res.status).toBe(status);
        expect(res.headers['referrer-policy']).toBe('no-referrer');
      },
    );

    it.each(responses.filter(([, status]) => status !== 204))(
      'sends Cache-Control: no-store on a %s response',
      async (_name, status, call) => {
        const res = await call();
        expect(res.status).toBe(status);
        expect(res.headers['content-type']).toMatch(/json\b/);
        expect(res.headers['cache-control']).toBe('no-store');
      },
    );

    it('sends Cache-Control: no-store on an authenticated JSON read', async () => {
      const res = await t
        .http()
        .get('/api/me')
        .set('X-Session-ID', admin.sessionId);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    const unauthorized: [string, string, Call][] = [
      ['no_credentials', 'no credential', () => t.http().get('/api/me')],
      [
        'invalid_api_key',
        'a malformed API key',
        () => t.http().get('/api/me').set('X-API-Key', 'short'),
      ],
      [
        'invalid_api_key',
        'an unknown API key',
        () => t.http().get('/api/me').set('X-API-Key', 'A'.repeat(24)),
      ],
      [
        'invalid_session',
        'an unknown session',
        () => t.http().get('/api/me').set('X-Session-ID', 'a'.repeat(43)),
      ],
      [
        'login_failed',
        'a wrong password',
        () =>
          t
            .http()
            .post('/api/sessions')
            .send({ username: 'admin', password: 'not-the-password' }),
      ],
    ];

    it.each(unauthorized)(
      'sends WWW-Authenticate: ApiKey header="X-API-Key" with 401 %s (%s)',
      async (code, _name, call) => {
        const res = await call();
        expectProblem(res, 401, code);
        expect(res.headers['www-authenticate']).toBe(
          'ApiKey header="X-API-Key"',
        );
      },
    );
  });
});

describe('health with the database closed', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await t.dataSource.destroy();
  });
  afterAll(() => t.close());

  it('returns 503 unavailable problem+json from GET /api/health', async () => {
    const res = await t.http().get('/api/health');
    const body = expectProblem(res, 503, 'unavailable');
    expectNoLeak(JSON.stringify(body));
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('still answers GET /api/health/live with 200 {"status":"ok"}', async () => {
    const res = await t.http().get('/api/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

interface RawResponse {
  status: number;
  contentType: string;
  body: string;
}

/** POSTs `bytes` of a JSON string in chunks, with Transfer-Encoding: chunked and no Content-Length. */
async function postChunked(
  t: TestApp,
  path: string,
  bytes: number,
): Promise<RawResponse> {
  const server = t.app.getHttpServer();
  if (!server.listening) await t.app.listen(0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return new Promise<RawResponse>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent: false,
        headers: { 'Content-Type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type']),
            body,
          }),
        );
      },
    );
    // Once the response has arrived, a reset of the upload no longer matters.
    req.on('error', reject);
    expect(req.getHeader('content-length')).toBeUndefined();
    const chunk = 'x'.repeat(64 * 1024);
    req.write('{"username":"');
    for (let sent = 0; sent < bytes; sent += chunk.length) req.write(chunk);
    req.end('"}');
  });
}
