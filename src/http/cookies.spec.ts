import { cookieValue, cookieValues } from './cookies';

describe('cookies', () => {
  it('finds one value by its trimmed name', () => {
    expect(cookieValues('a=1; session_id=x ; b=2', 'session_id')).toBe('x');
    expect(cookieValue(' opsgate_sso=s.t', 'opsgate_sso')).toBe('s.t');
  });

  it('keeps every value of a repeated cookie, and cookieValue refuses them', () => {
    expect(cookieValues('s=1; s=2', 's')).toEqual(['1', '2']);
    expect(cookieValue('s=1; s=2', 's')).toBeUndefined();
  });

  it('has nothing for an absent cookie, a prefix or no header', () => {
    expect(cookieValues('session_idx=1; flag', 'session_id')).toBeUndefined();
    expect(cookieValue(undefined, 's')).toBeUndefined();
    expect(cookieValue('', 's')).toBeUndefined();
  });
});
