import { TestApp, createTestApp } from './helpers/test-app';
import { ssoLogin } from './support/oidc/sso-flow';
import { TestProvider } from './support/oidc/test-provider';

const REDIRECT = 'http://127.0.0.1:3000/api/sso/callback';
const CLIENT = { client_id: 'opsgate', client_secret: 'opsgate-client-secret' };

/**
 * return_to (SPEC §17) ends in the callback's Location header, which HTTP
 * carries as bytes: a character Node cannot put there made the callback
 * throw after the session was created, a 500 with a session cookie.
 */
describe('return_to with characters outside ASCII', () => {
  let provider: TestProvider;
  let t: TestApp;

  beforeAll(async () => {
    provider = await TestProvider.start({
      clients: [{ ...CLIENT, redirect_uris: [REDIRECT] }],
      accounts: { uma: { preferred_username: 'uma' } },
    });
    t = await createTestApp({
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: CLIENT.client_id,
      OIDC_CLIENT_SECRET: CLIENT.client_secret,
      OIDC_REDIRECT_URI: REDIRECT,
    });
  });
  afterAll(async () => {
    await t.close();
    await provider.stop();
  });

  it.each([
    ['/tickets/Ā', '/tickets/%C4%80'],
    ['/search?q=café', '/search?q=caf%C3%A9'],
    // Percent-encoded, a separator cannot turn the path into another host.
    ['/\u2028//evil.example', '/%E2%80%A8//evil.example'],
  ])('returns to %j as %j', async (returnTo, location) => {
    const res = await ssoLogin(
      t.server,
      provider,
      'uma',
      `?return_to=${encodeURIComponent(returnTo)}`,
    );
    expect([res.status, res.headers.location]).toEqual([302, location]);
  });
});
