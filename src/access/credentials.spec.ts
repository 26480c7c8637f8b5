import { parse, stringify } from 'node:querystring';
import type { Request } from 'express';
import { AppError } from '../http/app-error';
import {
  API_KEY_PATTERN,
  findCredential,
  stripCredentials,
} from './credentials';

const KEY = 'AbCdEfGhIjKlMnOpQrStUvWx'; // 24 of [A-Za-z0-9]
const KEY2 = 'ZyXwVuTsRqPoNmLkJiHgFeDc';
const SESSION = 'a'.repeat(21) + '-_' + 'B'.repeat(20); // 43 base64url
const SESSION2 = 'C'.repeat(43);

interface FakeRequest {
  headers?: Record<string, string | string[] | undefined>;
  query?: Record<string, unknown>;
  body?: unknown;
  cookie?: string;
}

/** A request as Express 5 shapes it: req.query is parsed from req.url on every read. */
function fake({ headers = {}, query = {}, body, cookie }: FakeRequest) {
  const search = stringify(query as Record<string, string | string[]>);
  const req: { headers: FakeRequest['headers']; url: string; body: unknown } = {
    headers: { ...headers, ...(cookie === undefined ? {} : { cookie }) },
    url: `/api/me${search ? `?${search}` : ''}`,
    body,
  };
  Object.defineProperty(req, 'query', {
    get: (): Record<string, unknown> => {
      const start = req.url.indexOf('?');
      return start < 0 ? {} : { ...parse(req.url.slice(start + 1)) };
    },
  });
  return req as unknown as Request;
}

/** The error findCredential throws, or fails the test when it does not throw. */
function errorOf(req: Request, allowQuery = true): AppError {
  try {
    findCredential(req, allowQuery);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('findCredential did not throw');
}

describe('findCredential', () => {
  describe('finds each of the six places', () => {
    it.each<[string, FakeRequest, string, string, string]>([
      [
        'X-API-Key header',
        { headers: { 'x-api-key': KEY } },
        'api_key',
        'header',
        KEY,
      ],
      [
        'X-Session-ID header',
        { headers: { 'x-session-id': SESSION } },
        'session',
        'header',
        SESSION,
      ],
      ['api_key query', { query: { api_key: KEY } }, 'api_key', 'query', KEY],
      [
        'session_id query',
        { query: { session_id: SESSION } },
        'session',
        'query',
        SESSION,
      ],
      [
        'api_key body property',
        { body: { api_key: KEY } },
        'api_key',
        'body',
        KEY,
      ],
      [
        'session_id cookie',
        { cookie: `session_id=${SESSION}` },
        'session',
        'cookie',
        SESSION,
      ],
    ])('%s', (_name, req, kind, transport, secret) => {
      expect(findCredential(fake(req), true)).toEqual({
        kind,
        transport,
        secret,
      });
    });
  });

  it('returns null when there is no credential anywhere', () => {
    expect(
      findCredential(
        fake({
          headers: { accept: 'application/json' },
          query: { limit: '5' },
          body: { title: 'x' },
          cookie: 'theme=dark',
        }),
        true,
      ),
    ).toBeNull();
  });

  it('returns null for a body that is not an object', () => {
    expect(findCredential(fake({ body: [KEY] }), true)).toBeNull();
    expect(findCredential(fake({ body: 'api_key' }), true)).toBeNull();
    expect(findCredential(fake({ body: null }), true)).toBeNull();
  });

  it('ignores an api_key inherited through the prototype of the body', () => {
    const body = Object.create({ api_key: KEY }) as object;
    expect(findCredential(fake({ body }), true)).toBeNull();
  });

  it('finds a session_id cookie among other cookies', () => {
    expect(
      findCredential(
        fake({ cookie: `theme=dark; session_id=${SESSION}; lang=en` }),
        true,
      ),
    ).toMatchObject({ transport: 'cookie', secret: SESSION });
  });

  it('does not mistake a cookie whose name ends in session_id', () => {
    expect(
      findCredential(fake({ cookie: `other_session_id=${SESSION}` }), true),
    ).toBeNull();
  });

  describe('precedence: the earlier place wins', () => {
    const all: FakeRequest = {
      headers: { 'x-api-key': KEY, 'x-session-id': SESSION },
      query: { api_key: KEY2, session_id: SESSION2 },
      body: { api_key: KEY2 },
      cookie: `session_id=${SESSION2}`,
    };

    it('X-API-Key header over everything else', () => {
      expect(findCredential(fake(all), true)).toEqual({
        kind: 'api_key',
        transport: 'header',
        secret: KEY,
      });
    });

    it('X-Session-ID header over the query, body and cookie', () => {
      const req = fake({ ...all, headers: { 'x-session-id': SESSION } });
      expect(findCredential(req, true)).toMatchObject({
        kind: 'session',
        transport: 'header',
      });
    });

    it('api_key query over session_id query, body and cookie', () => {
      const req = fake({ ...all, headers: {} });
      expect(findCredential(req, true)).toMatchObject({
        kind: 'api_key',
        transport: 'query',
        secret: KEY2,
      });
    });

    it('session_id query over body and cookie', () => {
      const req = fake({ ...all, headers: {}, query: { session_id: SESSION } });
      expect(findCredential(req, true)).toMatchObject({
        kind: 'session',
        transport: 'query',
        secret: SESSION,
      });
    });

    it('api_key body over the cookie', () => {
      const req = fake({ body: { api_key: KEY }, cookie: all.cookie });
      expect(findCredential(req, true)).toMatchObject({
        kind: 'api_key',
        transport: 'body',
        secret: KEY,
      });
    });

    it('never falls back past a malformed earlier credential', () => {
      const req = fake({ ...all, headers: { 'x-api-key': 'nope' } });
      expect(errorOf(req).code).toBe('invalid_api_key');
      const req2 = fake({ ...all, headers: { 'x-session-id': 'nope' } });
      expect(errorOf(req2).code).toBe('invalid_session');
      const req3 = fake({ query: { api_key: '' }, cookie: all.cookie });
      expect(errorOf(req3).code).toBe('invalid_api_key');
    });
  });

  describe('malformed credentials are a 401 before any lookup', () => {
    it.each<[string, unknown]>([
      ['an empty string', ''],
      ['19 characters', 'a'.repeat(19)],
      ['129 characters', 'a'.repeat(129)],
      ['a non-alphanumeric character', `${KEY.slice(0, 23)}-`],
      ['a space', `${KEY.slice(0, 12)} ${KEY.slice(13)}`],
      ['a trailing newline', `${KEY}\n`],
      ['an array', [KEY, KEY2]],
      ['an array of one', [KEY]],
      ['an object', { key: KEY }],
      ['a number', 123456789012],
      ['null', null],
      ['true', true],
    ])('an API key that is %s gives invalid_api_key', (name, value) => {
      for (const req of [
        fake({ headers: { 'x-api-key': value as string } }),
        // A URL cannot hold an array of one: api_key=K reads as the string K.
        ...(name === 'an array of one'
          ? []
          : [fake({ query: { api_key: value } })]),
        fake({ body: { api_key: value } }),
      ]) {
        const error = errorOf(req);
        expect(error.status).toBe(401);
        expect(error.code).toBe('invalid_api_key');
      }
    });

    it.each<[string, unknown]>([
      ['an empty string', ''],
      ['42 characters', 'a'.repeat(42)],
      ['44 characters', 'a'.repeat(44)],
      ['padded with =', `${'a'.repeat(42)}=`],
      ['of standard base64 (+ and /)', `${'a'.repeat(41)}+/`],
      ['an array', [SESSION, SESSION2]],
      ['an object', { id: SESSION }],
      ['a number', 1],
    ])('a session ID that is %s gives invalid_session', (_name, value) => {
      for (const req of [
        fake({ headers: { 'x-session-id': value as string } }),
        fake({ query: { session_id: value } }),
      ]) {
        const error = errorOf(req);
        expect(error.status).toBe(401);
        expect(error.code).toBe('invalid_session');
      }
    });

    it('an empty session_id cookie gives invalid_session', () => {
      expect(errorOf(fake({ cookie: 'session_id=' })).code).toBe(
        'invalid_session',
      );
    });

    it('two session_id cookies give invalid_session (ambiguous)', () => {
      const req = fake({
        cookie: `session_id=${SESSION}; session_id=${SESSION2}`,
      });
      expect(errorOf(req).code).toBe('invalid_session');
    });

    it('accepts API keys of 20 to 128 characters', () => {
      expect('a'.repeat(20)).toMatch(API_KEY_PATTERN);
      expect('a'.repeat(128)).toMatch(API_KEY_PATTERN);
      expect(
        findCredential(
          fake({ headers: { 'x-api-key': 'Z'.repeat(128) } }),
          true,
        ),
      ).toMatchObject({ secret: 'Z'.repeat(128) });
    });
  });

  describe('with query credentials turned off', () => {
    it.each(['api_key', 'session_id'])(
      'a %s query parameter is a 400 validation_failed naming it',
      (name) => {
        const value = name === 'api_key' ? KEY : SESSION;
        const error = errorOf(fake({ query: { [name]: value } }), false);
        expect(error.status).toBe(400);
        expect(error.code).toBe('validation_failed');
        expect(error.extras.errors).toEqual([
          expect.objectContaining({ field: name }),
        ]);
      },
    );

    it('refuses a query credential even when a header credential comes first', () => {
      const req = fake({
        headers: { 'x-api-key': KEY },
        query: { session_id: SESSION },
      });
      expect(errorOf(req, false).code).toBe('validation_failed');
    });

    it('headers, body and cookie still work', () => {
      expect(
        findCredential(fake({ headers: { 'x-api-key': KEY } }), false),
      ).toMatchObject({ transport: 'header' });
      expect(
        findCredential(fake({ body: { api_key: KEY } }), false),
      ).toMatchObject({ transport: 'body' });
      expect(
        findCredential(fake({ cookie: `session_id=${SESSION}` }), false),
      ).toMatchObject({ transport: 'cookie' });
    });
  });
});

describe('stripCredentials', () => {
  it('removes api_key and session_id from the query and api_key from the body', () => {
    const req = fake({
      query: { api_key: KEY, session_id: SESSION, limit: '5' },
      body: { api_key: KEY, title: 'x' },
    });
    stripCredentials(req);
    expect(req.query).toEqual({ limit: '5' });
    expect(req.body).toEqual({ title: 'x' });
  });

  it('removes malformed values too', () => {
    const req = fake({
      query: { api_key: ['a', 'b'] },
      body: { api_key: { nested: true } },
    });
    stripCredentials(req);
    expect(req.query).toEqual({});
    expect(req.body).toEqual({});
  });

  it('leaves a body session_id alone: it is not a credential place', () => {
    const req = fake({ body: { session_id: SESSION } });
    stripCredentials(req);
    expect(req.body).toEqual({ session_id: SESSION });
  });

  it('copes with no body, an array body and a string body', () => {
    for (const body of [undefined, null, [KEY], 'text']) {
      const req = fake({ body });
      expect(() => stripCredentials(req)).not.toThrow();
      expect(req.body).toEqual(body);
    }
  });
});
