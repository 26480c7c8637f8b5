import type { Browser, Page } from 'playwright-core';
import { freePort } from '../helpers/free-port';
import { TestProvider } from '../support/oidc/test-provider';
import { expectAccessible } from './helpers/axe';
import {
  ADMIN_PASSWORD,
  launchChromium,
  screenshot,
  signIn,
  startServer,
  watchErrors,
  type Server,
} from './helpers/console-harness';
import { tabTo } from './helpers/console-keys';

const CLIENT = { client_id: 'opsgate', client_secret: 'opsgate-client-secret' };

// SPEC §17 on the console's sign-in screen: "Sign in with SSO" when GET
// /api/sso says OpenID Connect is on, and with LOCAL_LOGIN=false the
// password form behind the link "Sign in with a password" (break-glass).
describe('single sign-on on the console sign-in screen', () => {
  let provider: TestProvider;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  const button = (name: string) =>
    page.getByRole('button', { name, exact: true });

  beforeAll(async () => {
    const port = await freePort();
    provider = await TestProvider.start({
      clients: [
        {
          ...CLIENT,
          redirect_uris: [`http://127.0.0.1:${port}/api/sso/callback`],
        },
      ],
      accounts: { alice: { preferred_username: 'alice', name: 'Alice A' } },
    });
    server = await startServer(
      {
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: CLIENT.client_id,
        OIDC_CLIENT_SECRET: CLIENT.client_secret,
        LOCAL_LOGIN: 'false',
      },
      port,
    );
    browser = await launchChromium();
    page = await browser.newPage();
    errors = watchErrors(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await provider?.stop();
  });

  it('hides the password form behind a link when local sign-in is for admins', async () => {
    await page.goto(server.url);
    await button('Sign in with SSO').waitFor();
    expect(await page.getByRole('textbox', { name: 'Username' }).count()).toBe(
      0,
    );
    await expectAccessible(page, 'sign-in with SSO only');
    await screenshot(page, '70-sign-in-sso');
    const link = page.getByRole('link', { name: 'Sign in with a password' });
    await tabTo(page, link);
    await page.keyboard.press('Enter');
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await button('Sign out').waitFor();
    await button('Sign out').click();
    await button('Sign in with SSO').waitFor();
  });

  it('signs in through the provider from "Sign in with SSO"', async () => {
    await tabTo(page, button('Sign in with SSO'));
    await page.keyboard.press('Enter');
    await page.getByRole('textbox', { name: 'Account' }).fill('alice');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${server.url}/`);
    await button('Sign out').waitFor();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'My Account' })
      .click();
    await page.getByText('Alice A').first().waitFor();
  });

  it('logged no error and threw nothing', () => {
    expect(errors).toEqual([]);
  });
});
