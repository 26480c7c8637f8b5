import { normalizePassword, passwordProblem } from './password-policy';

describe('passwordProblem (SPEC §16, NIST SP 800-63B)', () => {
  it.each([
    ['8 characters, no composition rule', 'kq7-vane'],
    ['256 characters', 'q'.repeat(256)],
    ['spaces and any characters', 'correct horse battery staple'],
    ['a username under 3 characters inside it', 'xy-lantern-47'],
  ])('accepts %s', (_name, password) => {
    expect(passwordProblem(password, 'xy')).toBeNull();
  });

  it.each([
    ['7 characters', 'tangeri', /at least 8/],
    ['257 characters', 'q'.repeat(257), /at most 256/],
    ['a common password', 'password1', /most common passwords/],
    ['a common password in other case', 'PassWord1', /most common/],
    [
      'a common password once NFKC-normalised',
      'ｐａｓｓｗｏｒｄ１',
      /most common/,
    ],
    ['a password from deep in the list', 'sunshine1', /most common/],
  ])('refuses %s', (_name, password, message) => {
    expect(passwordProblem(password)).toMatch(message);
  });

  it('counts characters after NFKC: 4 ligatures are 8 characters, 4 accented letters typed as 8 are 4', () => {
    expect(passwordProblem('ﬀ'.repeat(4))).toBeNull();
    expect(passwordProblem('e\u0301'.repeat(4))).toMatch(/at least 8/);
  });

  it('refuses a password that equals or contains the username, in any case', () => {
    expect(passwordProblem('alice', 'alice')).toMatch(/at least 8/);
    expect(passwordProblem('Alice-Secret-88', 'alice')).toBe(
      'must not contain the username',
    );
    expect(passwordProblem('the-OPS.team-key', 'ops.team')).toBe(
      'must not contain the username',
    );
    expect(passwordProblem('brightlantern', 'lantern')).toBe(
      'must not contain the username',
    );
  });

  it('refuses at least the 10,000 most common passwords of the list', () => {
    // The list is zxcvbn-ts's, most used first; all of it is refused.
    const { dictionary } = jest.requireActual<
      typeof import('@zxcvbn-ts/language-common')
    >('@zxcvbn-ts/language-common');
    const list = dictionary['passwords-common'];
    expect(list.length).toBeGreaterThanOrEqual(10_000);
    const refused = list
      .slice(0, 10_000)
      .filter((word) => word.length >= 8 && word.length <= 256)
      .filter((word) => passwordProblem(word) === null);
    expect(refused).toEqual([]);
  });

  it('normalises to NFKC', () => {
    expect(normalizePassword('ｐａｓｓ')).toBe('pass');
    expect(normalizePassword('e\u0301')).toBe('é');
  });
});
