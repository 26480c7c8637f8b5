import type { RequestHandler } from 'express';
import { inOrder, redactHeaders, responseHeaders } from './http.middleware';

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

describe('inOrder', () => {
  const step =
    (name: string, seen: string[], fail = false): RequestHandler =>
    (_req, _res, next) => {
      seen.push(name);
      next(fail ? new Error(name) : undefined);
    };
  const run = (handler: RequestHandler) => {
    const calls: unknown[] = [];
    handler({} as never, {} as never, (err?: unknown) => calls.push(err));
    return calls;
  };

  it('runs each middleware in turn, then hands on', () => {
    const seen: string[] = [];
    const calls = run(
      inOrder(step('a', seen), step('b', seen), step('c', seen)),
    );
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(calls).toEqual([undefined]);
  });

  it('skips the rest after an error and hands the error on', () => {
    const seen: string[] = [];
    const calls = run(
      inOrder(step('a', seen), step('b', seen, true), step('c', seen)),
    );
    expect(seen).toEqual(['a', 'b']);
    expect(calls).toEqual([new Error('b')]);
  });

  it('stops where a middleware answers without calling next', () => {
    const seen: string[] = [];
    const answer: RequestHandler = () => seen.push('answered');
    expect(run(inOrder(step('a', seen), answer, step('c', seen)))).toEqual([]);
    expect(seen).toEqual(['a', 'answered']);
  });
});
