import type { Browser, BrowserContext, Page } from 'playwright-core';
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

// The console's other screens, a reload, a lost session, 360 px and the keyboard.
describe('the console screens in a browser', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  const button = (name: string) =>
    page.getByRole('button', { name, exact: true });
  const textbox = (name: string) =>
    page.getByRole('textbox', { name, exact: true });
  const row = (name: RegExp) => page.getByRole('row', { name });
  const nav = (target: Page, name: string) =>
    target
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name, exact: true });

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
    });
    page = await context.newPage();
    errors = watchErrors(page);
    await page.goto(server.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await nav(page, 'My Account').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('adds, edits, disables, enables and deletes a user', async () => {
    await nav(page, 'Users').click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await button('Add User…').click();
    await textbox('Username').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill('tulip-harbor-93');
    await textbox('Full Name').fill('Alice');
    await page
      .getByRole('group', { name: 'Privileges' })
      .getByRole('checkbox', { name: 'Create Categories' })
      .check();
    await button('Create User').click();
    const alice = row(/alice/);
    await alice.waitFor();
    await alice.getByRole('button', { name: 'Edit' }).click();
    expect(await textbox('Username').inputValue()).toBe('alice');
    await textbox('Full Name').fill('Alice Smith');
    await button('Save').click();
    await alice.getByRole('cell', { name: 'Alice Smith' }).waitFor();
    await alice.getByRole('button', { name: 'Disable' }).click();
    // SPEC §21: Disable asks first.
    await page
      .getByRole('alertdialog')
      .getByRole('button', { name: 'Disable' })
      .click();
    await alice.getByRole('cell', { name: 'Disabled' }).waitFor();
    await alice.getByRole('button', { name: 'Enable' }).click();
    await alice.getByRole('cell', { name: 'Active' }).waitFor();
    await screenshot(page, '11-users');

    const other = await context.browser()!.newContext();
    const second = await other.newPage();
    await second.goto(server.url);
    await signIn(second, 'alice', 'tulip-harbor-93');
    await nav(second, 'Categories').waitFor();
    const links = await second
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link')
      .allTextContents();
    expect(links).toEqual(['Categories', 'Server Groups', 'My Account']);
    await nav(second, 'Categories').click();
    await second.getByRole('button', { name: 'Add Category…' }).waitFor();
    await other.close();

    await alice.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('alertdialog')
      .getByRole('button', { name: 'Delete' })
      .click();
    await alice.waitFor({ state: 'detached' });
  });

  it('manages roles when the server has them, and shows the audit log', async () => {
    await nav(page, 'Roles').click();
    await button('Add Role…').click();
    await textbox('ID').fill('deployers');
    await textbox('Title').fill('Deployers');
    await page
      .getByRole('group', { name: 'Privileges' })
      .getByRole('checkbox', { name: 'Run Jobs' })
      .check();
    await button('Create Role').click();
    await row(/Deployers/).waitFor();
    await screenshot(page, '12-roles');

    await nav(page, 'API Keys').click();
    await button('Add API Key…').click();
    await textbox('Title').fill('with role');
    await page
      .getByRole('group', { name: 'Roles' })
      .getByRole('checkbox', { name: 'Deployers' })
      .check();
    await button('Create Key').click();
    // SPEC §21: Done before Copy asks first.
    await button('Done').click();
    await page
      .getByRole('alertdialog', { name: 'Close without copying?' })
      .getByRole('button', { name: 'Close' })
      .click();
    await row(/with role/).waitFor();

    await nav(page, 'Audit Log').click();
    await page.getByRole('heading', { name: 'Audit Log' }).waitFor();
    await page.getByRole('cell', { name: 'role.create' }).waitFor();
    // SPEC §21: Action is a combobox of known actions, applied when chosen.
    await page
      .getByRole('combobox', { name: 'Action' })
      .selectOption('api_key.create');
    await page.getByRole('cell', { name: 'role.create' }).waitFor({
      state: 'detached',
    });
    await page.getByRole('cell', { name: 'api_key.create' }).waitFor();
    await screenshot(page, '13-audit-log');
  });

  it('shows My Account, and keeps working after a reload', async () => {
    await nav(page, 'My Account').click();
    await page.getByRole('heading', { name: 'My Account' }).waitFor();
    await page.getByText('Administrator').first().waitFor();
    await page.getByText('Session Expires').waitFor();
    await screenshot(page, '10-my-account');

    await page.reload();
    await nav(page, 'Categories').click();
    await button('Add Category…').click();
    await textbox('ID').fill('after-reload');
    await textbox('Title').fill('After Reload');
    await button('Create Category').click();
    await row(/After Reload/).waitFor();
  });

  it('returns to sign-in with the API detail when the session ends', async () => {
    const cookie = (await context.cookies()).find(
      (c) => c.name === 'session_id',
    )!;
    const ended = await call(server.url, 'DELETE', '/api/sessions/current', {
      'X-Session-ID': cookie.value,
    });
    expect(ended.status).toBe(204);
    await nav(page, 'Server Groups').click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The session is not valid.' })
      .waitFor();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await screenshot(page, '14-session-lost');
  });

  it('fits 360 px without sideways scrolling, and works from the keyboard', async () => {
    const narrow = await browser.newContext({
      viewport: { width: 360, height: 740 },
    });
    const phone = await narrow.newPage();
    const phoneErrors = watchErrors(phone);
    await phone.goto(server.url);
    await phone.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await phone.keyboard.press('Tab');
    await phone.keyboard.type('admin');
    await phone.keyboard.press('Tab');
    await phone.keyboard.type(ADMIN_PASSWORD);
    await phone.keyboard.press('Enter');
    const menu = phone.getByRole('button', { name: 'Menu' });
    await menu.waitFor();
    expect(await nav(phone, 'API Keys').isVisible()).toBe(false);
    for (const link of [
      'API Keys',
      'Users',
      'Roles',
      'Audit Log',
      'Categories',
      'Server Groups',
      'My Account',
    ]) {
      await menu.focus();
      await phone.keyboard.press('Enter');
      await nav(phone, link).focus();
      await phone.keyboard.press('Enter');
      await phone.getByRole('heading', { name: link, level: 1 }).waitFor();
      await phone.waitForLoadState('networkidle');
      const overflow = await phone.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      const wide = await phone.evaluate(
        `[...document.querySelectorAll('body *')].filter((e) => !e.closest('.table-scroll') && e.getBoundingClientRect().right > 361).slice(0, 6).map((e) => e.tagName + '.' + e.className + ':' + Math.round(e.getBoundingClientRect().width)).join(' ')`,
      );
      expect([link, overflow, wide]).toEqual([link, 0, '']);
      await screenshot(
        phone,
        `20-narrow-${link.replace(/ /g, '-').toLowerCase()}`,
      );
    }
    await nav(phone, 'API Keys').waitFor({ state: 'hidden' });
    await menu.focus();
    await phone.keyboard.press('Enter');
    await nav(phone, 'API Keys').focus();
    await phone.keyboard.press('Enter');
    await phone.getByRole('button', { name: 'Add API Key…' }).focus();
    await phone.keyboard.press('Enter');
    await phone.getByRole('textbox', { name: 'Title' }).waitFor();
    await screenshot(phone, '21-narrow-add-key');
    await phone.keyboard.press('Escape');
    await phone
      .getByRole('textbox', { name: 'Title' })
      .waitFor({ state: 'detached' });
    expect(phoneErrors).toEqual([]);
    await narrow.close();
  });

  it('logged no error and threw nothing', () => {
    expect(errors).toEqual([]);
  });
});
