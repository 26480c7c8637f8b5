import { ConfigError, loadConfig } from './app-config';

const OIDC = {
  OIDC_ISSUER: 'https://sso.example.com',
  OIDC_CLIENT_ID: 'opsgate',
  OIDC_CLIENT_SECRET: 'the-client-secret',
};

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('single sign-on settings (SPEC §17)', () => {
  it('leaves OIDC off without OIDC_ISSUER, whatever else is set', () => {
    expect(loadConfig({ OIDC_CLIENT_ID: 'x' }).sso.oidc).toBeUndefined();
  });

  it.each(['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'])(
    'refuses OIDC_ISSUER without %s, naming it',
    (name) => {
      const env: Record<string, string> = { ...OIDC };
      delete env[name];
      expect(refusal(env)).toMatch(
        new RegExp(`^${name} is required when OIDC_ISSUER is set`),
      );
      expect(refusal({ ...OIDC, [name]: ' ' })).toMatch(new RegExp(`^${name}`));
    },
  );

  it('defaults the redirect URI to HOST:PORT, the scopes and the claims', () => {
    expect(
      loadConfig({ ...OIDC, HOST: '0.0.0.0', PORT: '8080' }).sso.oidc,
    ).toEqual({
      issuer: 'https://sso.example.com',
      clientId: 'opsgate',
      clientSecret: 'the-client-secret',
      redirectUri: 'http://0.0.0.0:8080/api/sso/callback',
      scopes: 'openid profile email',
      usernameClaim: 'preferred_username',
      groupsClaim: 'groups',
    });
    expect(loadConfig({ ...OIDC, HOST: '::1' }).sso.oidc?.redirectUri).toBe(
      'http://[::1]:3000/api/sso/callback',
    );
  });

  it('refuses scopes without openid', () => {
    expect(refusal({ ...OIDC, OIDC_SCOPES: 'profile email' })).toMatch(
      /^OIDC_SCOPES must include openid/,
    );
  });

  it('never echoes the client secret', () => {
    const message = refusal({ ...OIDC, OIDC_CLIENT_ID: '' });
    expect(message).not.toContain('the-client-secret');
  });

  it('refuses trusted headers without SSO_TRUSTED_PROXIES, naming it', () => {
    expect(refusal({ SSO_HEADER_USERNAME: 'X-Forwarded-User' })).toMatch(
      /^SSO_TRUSTED_PROXIES is required when SSO_HEADER_USERNAME is set/,
    );
  });

  it('reads the optional headers lower-cased, and proxies of both families', () => {
    expect(
      loadConfig({
        SSO_HEADER_USERNAME: 'X-Forwarded-User',
        SSO_TRUSTED_PROXIES: '127.0.0.1,fd00::/8',
      }).sso.header,
    ).toEqual({
      username: 'x-forwarded-user',
      groups: undefined,
      name: undefined,
      trustedProxies: ['127.0.0.1', 'fd00::/8'],
    });
  });

  it('merges a group named twice in SSO_GROUP_ROLES, and skips empty pairs', () => {
    expect(
      loadConfig({ SSO_GROUP_ROLES: ' ops = a ; ops=b,a;; dev team=c ' }).sso
        .groupRoles,
    ).toEqual({ ops: ['a', 'b'], 'dev team': ['c'] });
  });
});
