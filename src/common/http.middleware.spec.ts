import { Logger } from '@nestjs/common';
import { LogCapture } from '../../test/helpers/log-capture';
import { createTestApp, TestApp } from '../../test/helpers/test-app';
import { logLevelsFrom } from '../config/app-config';
import { redactHeaders } from './http.middleware';
import { redactUrl } from './query-params';

describe('redactUrl', () => {
  it.each([
    ['/api/me?api_key=SECRET1', '/api/me?api_key=[REDACTED]'],
    ['/api/me?session_id=SECRET1', '/api/me?session_id=[REDACTED]'],
    ['/api/me?api%5Fkey=SECRET1', '/api/me?api%5Fkey=[REDACTED]'],
    ['/api/me?api%5fkey=SECRET1', '/api/me?api%5fkey=[REDACTED]'],
    [
      '/api/me?%61%70%69%5F%6B%65%79=SECRET1',
      '/api/me?%61%70%69%5F%6B%65%79=[REDACTED]',
    ],
    ['/api/me?session%5Fid=SECRET1', '/api/me?session%5Fid=[REDACTED]'],
    ['/api/me?%73ession_id=SECRET1', '/api/me?%73ession_id=[REDACTED]'],
    ['/api/me?api_key', '/api/me?api_key=[REDACTED]'],
    ['/api/me?api_key=SECRET1=more', '/api/me?api_key=[REDACTED]'],
  ])('redacts %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('redacts every occurrence of a repeated credential parameter', () => {
    const url = '/api/me?api_key=SECRET1&api_key=SECRET2&session_id=SECRET3';
    const redacted = redactUrl(url);
    expect(redacted).toBe(
      '/api/me?api_key=[REDACTED]&api_key=[REDACTED]&session_id=[REDACTED]',
    );
  });

  it('keeps the other parameters, in order and as sent', () => {
    const url = '/api/keys?limit=10&api_key=SECRET1&offset=5&q=a%20b&flag';
    expect(redactUrl(url)).toBe(
      '/api/keys?limit=10&api_key=[REDACTED]&offset=5&q=a%20b&flag',
    );
  });

  it('keeps parameters whose names only resemble a credential', () => {
    const url = '/api/x?api_keys=1&my_api_key=2&session=3&session_id_x=4';
    expect(redactUrl(url)).toBe(url);
  });

  it('leaves a URL without a query string alone', () => {
    expect(redactUrl('/api/health')).toBe('/api/health');
    expect(redactUrl('/api/health?')).toBe('/api/health?');
  });

  it('still redacts when another parameter name is badly percent-encoded', () => {
    const url = '/api/me?%E0%A4%A=1&api_key=SECRET1&bad%=2';
    const redacted = redactUrl(url);
    expect(redacted).not.toContain('SECRET1');
    expect(redacted).toBe('/api/me?%E0%A4%A=1&api_key=[REDACTED]&bad%=2');
  });
});

describe('redactHeaders', () => {
  const headers = {
    'x-api-key': 'KEYSECRET',
    'x-session-id': 'SESSIONSECRET',
    cookie: 'session_id=COOKIESECRET; theme=dark',
    'x-csrf-token': 'CSRFSECRET',
    'user-agent': 'jest',
    accept: 'application/json',
  };

  it('redacts X-API-Key, X-Session-ID, Cookie and X-CSRF-Token', () => {
    expect(redactHeaders(headers)).toEqual({
      'x-api-key': '[REDACTED]',
      'x-session-id': '[REDACTED]',
      cookie: '[REDACTED]',
      'x-csrf-token': '[REDACTED]',
      'user-agent': 'jest',
      accept: 'application/json',
    });
  });

  it('redacts a header sent several times (an array value)', () => {
    const redacted = redactHeaders({ 'x-api-key': ['ONE', 'TWO'] });
    expect(redacted['x-api-key']).toBe('[REDACTED]');
  });

  it('does not add headers that were not sent', () => {
    expect(redactHeaders({ accept: '*/*' })).toEqual({ accept: '*/*' });
  });

  it('leaves the request headers themselves untouched', () => {
    const original = { ...headers };
    redactHeaders(headers);
    expect(headers).toEqual(original);
  });
});

describe('the request log', () => {
  const SECRETS = {
    header: 'HdrKeySecret0123456789AB',
    sessionHeader: 'HdrSessionSecret_abcdefghijklmnopqrstuvwxyz1',
    query: 'QueryKeySecret0123456789',
    encodedQuery: 'EncodedKeySecret01234567',
    querySession: 'QuerySessionSecret_abcdefghijklmnopqrstuvwx',
    cookie: 'CookieSessionSecret_abcdefghijklmnopqrstuvw',
    csrf: 'CsrfTokenSecret_abcdefghijklmnopqrstuvwxyz1',
    body: 'BodyKeySecret01234567890',
  };

  let t: TestApp;
  let logs: LogCapture;

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'verbose' });
  });
  beforeEach(() => {
    logs = new LogCapture();
  });
  afterEach(() => {
    logs.restore();
    Logger.overrideLogger(['error', 'fatal']);
  });
  afterAll(() => t.close());

  /** The level filter main.ts installs for the app's LOG_LEVEL. */
  const useLevel = (level: Parameters<typeof logLevelsFrom>[0]) =>
    Logger.overrideLogger(logLevelsFrom(level));

  /** The request log writes on 'finish'; give it a turn of the event loop. */
  async function httpLines(count: number): Promise<string[]> {
    for (let i = 0; i < 50 && logs.inContext('HTTP').length < count; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    return logs.inContext('HTTP').map((entry) => entry.text);
  }

  const query =
    `limit=7&api_key=${SECRETS.query}&api%5Fkey=${SECRETS.encodedQuery}` +
    `&session_id=${SECRETS.querySession}`;

  it('logs no credential from headers, cookie, query or body at LOG_LEVEL=verbose', async () => {
    useLevel(t.config.logLevel);
    await t
      .http()
      .post(`/api/sessions?${query}`)
      .set('X-API-Key', SECRETS.header)
      .set('X-Session-ID', SECRETS.sessionHeader)
      .set('Cookie', `session_id=${SECRETS.cookie}`)
      .set('X-CSRF-Token', SECRETS.csrf)
      .set('X-Trace', 'visible-trace-value')
      .send({
        username: 'nobody',
        password: 'wrong-pass',
        api_key: SECRETS.body,
      });
    const lines = await httpLines(2);

    // The lines are there, with what is not secret...
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('POST /api/sessions?limit=7&api_key=[REDACTED]');
    expect(lines[0]).toContain(' 401 ');
    expect(lines[1]).toContain('visible-trace-value');
    // ...and no secret anywhere in the log.
    const text = logs.text();
    for (const secret of Object.values(SECRETS)) {
      expect(text).not.toContain(secret);
    }
  });

  it('logs the redacted URL of a GET with query credentials, at debug level', async () => {
    useLevel('debug');
    await t.http().get(`/api/me?${query}`);
    const lines = await httpLines(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'GET /api/me?limit=7&api_key=[REDACTED]&api%5Fkey=[REDACTED]&session_id=[REDACTED]',
    );
    expect(logs.inContext('HTTP')[0].level).toBe('debug');
    expect(logs.text()).not.toMatch(/Secret/);
  });

  it('writes no request line at the default LOG_LEVEL=log', async () => {
    useLevel('log');
    await t.http().get('/api/health').expect(200);
    expect(await httpLines(1)).toEqual([]);
  });
});
