import { parse } from 'node:querystring';
import { hasQueryCredentials, withoutQueryCredentials } from './query-params';

describe('withoutQueryCredentials', () => {
  it.each([
    ['/api/keys?api_key=K&limit=5', '/api/keys?limit=5'],
    ['/api/keys?limit=5&session_id=S&offset=2', '/api/keys?limit=5&offset=2'],
    ['/api/me?api_key=K', '/api/me'],
    ['/api/me?api_key=A&api_key=B&session_id=S', '/api/me'],
    ['/api/me?api%5Fkey=K&x=1', '/api/me?x=1'],
    ['/api/me?%61pi_key=K', '/api/me'],
    ['/api/me?api_key', '/api/me'],
    ['/api/me', '/api/me'],
  ])('turns %s into %s', (url, expected) => {
    expect(withoutQueryCredentials(url)).toBe(expected);
  });

  it('keeps look-alike names and other values exactly as sent', () => {
    const url = '/api/x?API_KEY=1&api_keys=2&q=a%20b&flag';
    expect(withoutQueryCredentials(url)).toBe(url);
  });

  it('leaves nothing Express would read as a credential', () => {
    const url = '/api/me?a=1&api_key=K&%73ession%5Fid=S&api+key=x&b=2';
    const query = parse(withoutQueryCredentials(url).split('?')[1]);
    expect(query).toEqual({ a: '1', 'api key': 'x', b: '2' });
  });
});

describe('hasQueryCredentials', () => {
  it('sees credentials however their names are encoded', () => {
    expect(hasQueryCredentials('/api/me?api_key=K')).toBe(true);
    expect(hasQueryCredentials('/api/me?x=1&session%5Fid=S')).toBe(true);
    expect(hasQueryCredentials('/api/me?api_key')).toBe(true);
  });

  it('ignores other names and URLs without a query', () => {
    expect(hasQueryCredentials('/api/me')).toBe(false);
    expect(hasQueryCredentials('/api/me?API_KEY=1&session=2')).toBe(false);
  });
});
