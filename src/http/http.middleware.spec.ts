import type { RequestHandler } from 'express';
import { redactHeaders, responseHeaders } from './http.middleware';
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

describe('responseHeaders', () => {
  const record = (handler: ReturnType<typeof responseHeaders>) => {
    const set: [string, string][] = [];
    const res = {
      setHeader: (name: string, value: string) => set.push([name, value]),
    };
    const next = jest.fn();
    void handler({} as never, res as never, next);
    return { set, next };
  };

  it("sets the contract's headers and the fixed middleware's, each once, then calls next", () => {
    const fixed: RequestHandler = (_req, res, next) => {
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader('Referrer-Policy', 'origin');
      next();
    };
    const { set, next } = record(responseHeaders(fixed));
    expect(new Map(set)).toEqual(
      new Map([
        ['X-Frame-Options', 'DENY'],
        // The contract's value wins over the middleware's.
        ['Referrer-Policy', 'no-referrer'],
        ['Cache-Control', 'no-store'],
        ['X-Content-Type-Options', 'nosniff'],
      ]),
    );
    expect(set).toHaveLength(4);
    expect(next).toHaveBeenCalledTimes(1);
  });

  it('runs the fixed middleware once, at start-up, not per request', () => {
    const fixed = jest.fn<void, Parameters<RequestHandler>>((_q, r, next) => {
      r.setHeader('X-A', '1');
      next();
    });
    const handler = responseHeaders(fixed);
    for (let i = 0; i < 3; i++) record(handler);
    expect(fixed).toHaveBeenCalledTimes(1);
  });

  it('refuses a middleware that does not call next at once', () => {
    expect(() => responseHeaders(() => undefined)).toThrow(/next/);
  });
});
