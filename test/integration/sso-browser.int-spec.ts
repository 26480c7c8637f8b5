import type { Browser, Page } from 'playwright-core';
import { freePort } from '../helpers/free-port';
import { TestProvider } from '../support/oidc/test-provider';
import {
  ADMIN_PASSWORD,
  call,
  launchChromium,
  screenshot,
  startServer,
  watchErrors,
  type Server,
} from './helpers/console-harness';

const CLIENT = { client_id: 'opsgate', client_secret: 'opsgate-client-secret' };

/**
 * OpenID Connect sign-in (SPEC §17) in Chromium, end to end: the built
 * server, the real provider (its own sign-in page), the browser's own
 * redirects and cookies (the state cookie is SameSite=Lax and must survive
 * the provider's redirect back), from the console's button to the
 * console, signed in.
 */
describe('single sign-on in a browser', () => {
  let provider: TestProvider;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    const port = await freePort();
    // The default redirect URI, http://HOST:PORT/api/sso/callback.
    const redirect = `http://127.0.0.1:${port}/api/sso/callback`;
    provider = await TestProvider.start({
      clients: [{ ...CLIENT, redirect_uris: [redirect] }],
      accounts: {
        alice: {
          preferred_username: 'alice',
          name: 'Alice Liddell',
          groups: ['ops'],
        },
      },
    });
    server = await startServer(
      {
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: CLIENT.client_id,
        OIDC_CLIENT_SECRET: CLIENT.client_secret,
        SSO_ADMIN_GROUPS: 'ops',
      },
      port,
    );
    browser = await launchChromium();
    page = await browser.newPage();
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await provider?.stop();
  });

  it('"Sign in with SSO" goes to the provider, and back to the console signed in', async () => {
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();

    // The provider's own sign-in page.
    await page.getByRole('textbox', { name: 'Account' }).fill('alice');
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL(`${server.url}/`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await screenshot(page, 'sso-signed-in');

    // The session is the browser's cookie, as after a password sign-in.
    const me = await page.evaluate(async () => {
      const res = await fetch('/api/me');
      return { status: res.status, body: await res.json() };
    });
    expect(me).toMatchObject({
      status: 200,
      body: { type: 'user', id: 'alice', name: 'Alice Liddell' },
    });
    const cookies = await page.context().cookies(server.url);
    expect(cookies.find((c) => c.name === 'session_id')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });

    const admin = await call(
      server.url,
      'POST',
      '/api/sessions',
      {},
      {
        username: 'admin',
        password: ADMIN_PASSWORD,
      },
    );
    const user = await call(server.url, 'GET', '/api/users/alice', {
      'X-Session-ID': admin.body.session_id,
    });
    expect(user.body).toMatchObject({ source: 'oidc', privileges: ['admin'] });
    expect(errors).toEqual([]);
  });
});
