import type { Browser, BrowserContext, Page } from 'playwright-core';
import { totpAt } from '../helpers/mfa';
import { expectAccessible } from './helpers/axe';
import {
  ADMIN_PASSWORD,
  call,
  launchChromium,
  screenshot,
  signIn,
  startServer,
  watchErrors,
  type Server,
} from './helpers/console-harness';
import { tabTo } from './helpers/console-keys';

// SPEC §18 in the console, against the built server and Chromium's own
// WebAuthn with a DevTools virtual authenticator: setting up an app and a
// passkey, the sign-in's second step, passwordless sign-in, and a refused
// act that asks for a second factor and is then sent again. The page is on
// http://localhost:PORT: WebAuthn refuses IP addresses.
describe('two-factor authentication in the console', () => {
  let server: Server;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let secret: string;
  let recoveryCodes: string[];

  const button = (name: string) =>
    page.getByRole('button', { name, exact: true });
  const textbox = (name: string) =>
    page.getByRole('textbox', { name, exact: true });
  const nav = (name: string) =>
    page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name, exact: true });
  const status = (text: string) =>
    page.getByRole('status').filter({ hasText: text });
  const signedIn = () => button('Sign out').waitFor();
  const signOut = async () => {
    await button('Sign out').click();
    await button('Sign in').waitFor();
  };
  const withAdmin = async (method: string, path: string) => {
    const login = await call(
      server.url,
      'POST',
      '/api/sessions',
      {},
      { username: 'admin', password: ADMIN_PASSWORD },
    );
    // The admin now has a second factor: the password alone opens nothing.
    expect(login.body.mfa_required).toBe(true);
    const second = await call(
      server.url,
      'POST',
      '/api/sessions/mfa',
      {},
      { mfa_token: login.body.mfa_token, code: recoveryCodes.pop() },
    );
    return call(server.url, method, path, {
      'X-Session-ID': second.body.session_id,
    });
  };

  beforeAll(async () => {
    server = await startServer();
    origin = server.url.replace('127.0.0.1', 'localhost');
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin,
    });
    page = await context.newPage();
    errors = watchErrors(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    await page.goto(origin);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await signedIn();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sets up an authenticator app: QR code, Code, Verify, recovery codes once', async () => {
    await nav('My Account').click();
    const section = page.getByRole('region', {
      name: 'Two-Factor Authentication',
    });
    const setUp = section.getByRole('button', {
      name: 'Set Up Authenticator App',
    });
    await tabTo(page, setUp);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', {
      name: 'Set Up Authenticator App',
    });
    await dialog.getByRole('img', { name: 'QR code' }).waitFor();
    // An image with alt text (SPEC §18), shown: it loaded under the CSP.
    const qr = dialog.getByAltText('QR code');
    expect(
      await qr.evaluate(
        (img: { complete: boolean; naturalWidth: number }) =>
          img.complete && img.naturalWidth > 0,
      ),
    ).toBe(true);
    secret = (await dialog.locator('code.secret').textContent())!;
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    await expectAccessible(page, 'Set Up Authenticator App');
    await screenshot(page, '50-totp-setup');

    const code = textbox('Code');
    await code.fill('000000');
    await button('Verify').click();
    await page.locator('input[aria-invalid="true"]').waitFor();
    const described = await code.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${described}"]`).textContent()).toMatch(
      /^Code /,
    );
    await code.fill(totpAt(secret, Date.now()));
    await page.keyboard.press('Enter');

    const codes = textbox('Recovery Codes');
    await codes.waitFor();
    recoveryCodes = (await codes.inputValue()).split('\n');
    expect(recoveryCodes).toHaveLength(10);
    await expectAccessible(page, 'Recovery Codes');
    await page.keyboard.press('Escape');
    const ask = page.getByRole('alertdialog', {
      name: 'Close without copying?',
    });
    await ask.getByRole('button', { name: 'Keep Open' }).click();
    await button('Copy').click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(
      recoveryCodes.join('\n'),
    );
    await button('Done').click();
    await status('Authenticator app set up.').waitFor();
    await section.getByText('10 recovery codes left').waitFor();
  });

  it('adds a passkey by name, and lists it with Remove', async () => {
    const section = page.getByRole('region', {
      name: 'Two-Factor Authentication',
    });
    await section.getByRole('button', { name: 'Add Passkey' }).click();
    await textbox('Passkey Name').fill('Laptop');
    await expectAccessible(page, 'Add Passkey');
    await page.keyboard.press('Enter'); // submits: Register
    await status('Passkey "Laptop" added.').waitFor();
    const passkeys = section.getByRole('list', { name: 'Passkeys' });
    const laptop = passkeys.getByRole('listitem').filter({ hasText: 'Laptop' });
    await laptop.getByRole('button', { name: 'Remove' }).waitFor();
    await expectAccessible(page, 'My Account with two factors');
    await screenshot(page, '51-two-factor');
  });

  it('asks for a second factor when an act needs one, then repeats the act', async () => {
    // This session signed in with a password only, before any factor.
    await nav('API Keys').click();
    await button('Add API Key…').click();
    await textbox('Title').fill('Root key');
    await page
      .getByRole('group', { name: 'Privileges' })
      .getByRole('checkbox', { name: 'Administrator' })
      .check();
    await button('Create Key').click();
    const stepUp = page.getByRole('dialog', { name: 'Confirm It’s You' });
    await stepUp.waitFor();
    await stepUp.getByRole('button', { name: 'Use Passkey' }).waitFor();
    await expectAccessible(page, 'Confirm It’s You');
    await screenshot(page, '52-step-up');
    await stepUp
      .getByRole('textbox', { name: 'Authentication Code' })
      .fill(recoveryCodes.pop()!);
    await stepUp.getByRole('button', { name: 'Verify' }).click();
    // The refused create is sent again: its key is shown, once.
    await textbox('New API Key').waitFor();
    await button('Copy').click();
    await button('Done').click();
    await status('API key "Root key" created.').waitFor();
    const keys = await withAdmin('GET', '/api/keys');
    expect(
      keys.body.items.filter((k: { title: string }) => k.title === 'Root key'),
    ).toHaveLength(1);
  });

  it('signs in with a password and then a code, or then the passkey', async () => {
    await signOut();
    await signIn(page, 'admin', ADMIN_PASSWORD);
    const code = textbox('Authentication Code');
    await code.waitFor();
    await button('Use Passkey').waitFor();
    await expectAccessible(page, 'sign-in, second step');
    await screenshot(page, '53-second-step');
    await code.fill('123456');
    await button('Verify').click();
    await page.getByRole('alert').waitFor();
    // The next 30-second step's code: the one Verify took at set-up is spent.
    await code.fill(totpAt(secret, Date.now() + 30_000));
    await page.keyboard.press('Enter');
    await signedIn();

    await signOut();
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await tabTo(page, button('Use Passkey'));
    await page.keyboard.press('Enter');
    await signedIn();
  });

  it('signs in with a passkey alone, and removes it', async () => {
    await signOut();
    await tabTo(page, button('Sign in with a passkey'));
    await page.keyboard.press('Enter');
    await signedIn();
    await nav('My Account').click();
    const laptop = page.getByRole('listitem').filter({ hasText: 'Laptop' });
    await laptop.getByRole('button', { name: 'Remove' }).click();
    await page
      .getByRole('alertdialog')
      .getByRole('button', { name: 'Remove' })
      .click();
    await status('Passkey "Laptop" removed.').waitFor();
    expect((await withAdmin('GET', '/api/me/passkeys')).body.total).toBe(0);
  });

  it('logged no error and threw nothing', () => {
    expect(errors).toEqual([]);
  });
});
