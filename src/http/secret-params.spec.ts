import fc from 'fast-check';
import {
  baseName,
  isSecretParam,
  redactObject,
  redactUrl,
} from './secret-params';

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

describe('isSecretParam', () => {
  const SECRETS = [
    'api_key',
    'session_id',
    'csrf_token',
    'password',
    'current_password',
    'new_password',
    'mfa_token',
  ];

  /** Every way a client can spell `name` that a parser might still read as it. */
  const spelling = (name: string) =>
    fc
      .tuple(
        fc.array(fc.boolean(), {
          minLength: name.length,
          maxLength: name.length,
        }),
        fc.array(fc.integer({ min: 0, max: 2 }), {
          minLength: name.length,
          maxLength: name.length,
        }),
        fc.constantFrom('', '[]', '[x]', '[0]', '[a][b]', '%5B%5D', '%5Bx%5D'),
      )
      .map(([upper, encode, suffix]) => {
        const chars = [...name].map((c, i) => {
          const ch = upper[i] ? c.toUpperCase() : c;
          const hex = `%${ch.charCodeAt(0).toString(16).toUpperCase()}`;
          // 0: as is, 1: percent-encoded once, 2: twice.
          return encode[i] === 0
            ? ch
            : encode[i] === 1
              ? hex
              : hex.replace('%', '%25');
        });
        return chars.join('') + suffix;
      });

  it('knows every spelling of every secret name', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...SECRETS)
          .chain((name) =>
            spelling(name).map((spelt) => [name, spelt] as const),
          ),
        ([name, spelt]) => {
          expect(baseName(spelt)).toBe(name);
          expect(isSecretParam(spelt, '/api/anything')).toBe(true);
          const url = `/api/me?a=1&${spelt}=TOPSECRET&${spelt}=TOPSECRET2`;
          const redacted = redactUrl(url);
          expect(redacted).not.toContain('TOPSECRET');
          expect(redacted.startsWith('/api/me?a=1&')).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('treats code as a secret only where a second factor is submitted', () => {
    for (const path of [
      '/api/sessions/mfa',
      '/api/sessions/current/step-up',
      '/API/Sessions/MFA',
    ]) {
      expect(isSecretParam('code', path)).toBe(true);
      expect(isSecretParam('Code%5B%5D', path)).toBe(true);
    }
    expect(isSecretParam('code', '/api/events')).toBe(false);
    expect(redactUrl('/api/sessions/mfa?code=123456')).toBe(
      '/api/sessions/mfa?code=[REDACTED]',
    );
    expect(redactUrl('/api/events?code=123456')).toBe(
      '/api/events?code=123456',
    );
  });

  it('leaves other names alone', () => {
    for (const name of ['api_keys', 'my_password', 'session', 'token', 'q']) {
      expect(isSecretParam(name, '/api/sessions/mfa')).toBe(false);
    }
  });
});

describe('redactObject', () => {
  it('replaces secret properties at any depth, however spelt, and nothing else', () => {
    const value = {
      title: 'x',
      Api_Key: 'K1',
      nested: { 'new_password[]': 'P1', list: [{ mfa_token: 'T1', ok: 1 }] },
    };
    expect(redactObject(value)).toEqual({
      title: 'x',
      Api_Key: '[REDACTED]',
      nested: {
        'new_password[]': '[REDACTED]',
        list: [{ mfa_token: '[REDACTED]', ok: 1 }],
      },
    });
    expect(value.Api_Key).toBe('K1');
  });
});
