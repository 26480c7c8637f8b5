import type { Browser, Page } from 'playwright-core';
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

const BOB_PASSWORD = 'violet-canyon-42';
const BOB_NEW_PASSWORD = 'amber-glacier-77';

// SPEC §16 in the console: a person's own password, sessions and security
// log under My Account, and an admin's view of another user's sessions.
describe("people's own account in the console", () => {
  let server: Server;
  let browser: Browser;
  let bob: Page;
  let admin: Page;
  const errors: string[][] = [];

  const apiLogin = async (username: string, password: string) =>
    (
      await call(
        server.url,
        'POST',
        '/api/sessions',
        {},
        { username, password },
      )
    ).body.session_id as string;
  const meStatus = async (session: string) =>
    (await call(server.url, 'GET', '/api/me', { 'X-Session-ID': session }))
      .status;
  const status = (page: Page, text: string) =>
    page.getByRole('status').filter({ hasText: text });
  const nav = (page: Page, name: string) =>
    page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name, exact: true });
  async function open(username: string, password: string): Promise<Page> {
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 900 } })
    ).newPage();
    errors.push(watchErrors(page));
    await page.goto(server.url);
    await signIn(page, username, password);
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    return page;
  }

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    const root = await apiLogin('admin', ADMIN_PASSWORD);
    await call(
      server.url,
      'POST',
      '/api/users',
      { 'X-Session-ID': root },
      { username: 'bob', password: BOB_PASSWORD, full_name: 'Bob' },
    );
    bob = await open('bob', BOB_PASSWORD);
    admin = await open('admin', ADMIN_PASSWORD);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists my sessions, marks this one, and signs the others out', async () => {
    const elsewhere = [
      await apiLogin('bob', BOB_PASSWORD),
      await apiLogin('bob', BOB_PASSWORD),
    ];
    await nav(bob, 'My Account').click();
    const table = bob.getByRole('table', { name: 'Sessions', exact: true });
    await table.getByRole('row').nth(3).waitFor();
    expect(await table.getByRole('columnheader').allTextContents()).toEqual([
      'Signed In',
      'Last Active',
      'IP Address',
      'Browser',
      'Method',
      'Actions',
    ]);
    const current = table.getByRole('row').filter({ hasText: 'This session' });
    await current.getByRole('cell', { name: /^Chrom/ }).waitFor();
    await current.getByRole('cell', { name: '127.0.0.1' }).waitFor();
    expect(await table.getByRole('button', { name: 'Sign Out' }).count()).toBe(
      2,
    );
    await expectAccessible(bob, 'My Account of a person');
    await screenshot(bob, '60-my-account');

    await table.getByRole('button', { name: 'Sign Out' }).first().click();
    await status(bob, 'Session signed out.').waitFor();
    await table.getByRole('row').nth(3).waitFor({ state: 'detached' });
    const alive = [];
    for (const session of elsewhere) alive.push(await meStatus(session));
    expect(alive.sort()).toEqual([200, 401]);

    const others = bob.getByRole('button', { name: 'Sign Out Other Sessions' });
    await tabTo(bob, others, 30, 'Shift+Tab');
    await bob.keyboard.press('Enter');
    await status(bob, '1 other session signed out.').waitFor();
    for (const session of elsewhere) expect(await meStatus(session)).toBe(401);
    // The list is read again after the announcement: wait for it, as above.
    await table.getByRole('row').nth(2).waitFor({ state: 'detached' });
    expect(await table.getByRole('row').count()).toBe(2); // header + this one
  });

  it('changes my password: the fields name themselves in errors, this session stays', async () => {
    const form = bob.getByRole('form', { name: 'Change Password' });
    const current = form.getByLabel('Current Password');
    const next = form.getByLabel('New Password');
    await current.fill('not-my-password');
    await next.fill(BOB_NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change Password' }).click();
    await form.locator('[aria-invalid="true"]').waitFor();
    expect(await current.getAttribute('aria-invalid')).toBe('true');
    const described = await current.getAttribute('aria-describedby');
    expect(await bob.locator(`[id="${described}"]`).textContent()).toMatch(
      /^Current Password /,
    );

    await current.fill(BOB_PASSWORD);
    await next.fill('bob');
    await next.press('Enter');
    await form.locator('input[aria-invalid="true"]').waitFor();
    const hint = await next.getAttribute('aria-describedby');
    expect(await bob.locator(`[id="${hint}"]`).textContent()).toMatch(
      /^New Password /,
    );
    await next.fill(BOB_NEW_PASSWORD);
    expect(await next.getAttribute('aria-invalid')).toBeNull();
    await next.press('Enter');
    await status(bob, 'Password changed.').waitFor();
    expect(await current.inputValue()).toBe('');
    const login = await call(
      server.url,
      'POST',
      '/api/sessions',
      {},
      { username: 'bob', password: BOB_PASSWORD },
    );
    expect(login.status).toBe(401);
    await bob.reload();
    await bob.getByRole('heading', { name: 'My Account' }).waitFor();
  });

  it('shows my security log: sign-ins, revocations, the password change', async () => {
    const log = bob.getByRole('table', { name: 'Security Log' });
    await log.getByRole('columnheader').first().waitFor();
    expect(await log.getByRole('columnheader').allTextContents()).toEqual([
      'Time',
      'Action',
      'Outcome',
      'IP',
    ]);
    for (const action of [
      'user.password_change',
      'session.revoke',
      'session.login',
    ]) {
      await log.getByRole('cell', { name: action }).first().waitFor();
    }
    await log
      .getByRole('row')
      .filter({ hasText: 'access.denied' })
      .first()
      .waitFor();
    await screenshot(bob, '61-security-log');
  });

  it("lets an admin see a user's sessions, sign one out, and sign out everywhere", async () => {
    const other = await apiLogin('bob', BOB_NEW_PASSWORD);
    await nav(admin, 'Users').click();
    const row = admin.getByRole('row').filter({ hasText: 'bob' });
    await tabTo(admin, row.getByRole('button', { name: 'Sessions…' }));
    await admin.keyboard.press('Enter');
    const dialog = admin.getByRole('dialog', { name: 'Sessions of bob' });
    const sessions = dialog.getByRole('table', { name: 'Sessions of bob' });
    await sessions.getByRole('row').nth(2).waitFor();
    expect(await sessions.getByText('This session').count()).toBe(0);
    await expectAccessible(admin, 'Sessions of bob');
    await screenshot(admin, '62-user-sessions');
    const node = sessions.getByRole('row').filter({ hasText: 'node' });
    await node.getByRole('button', { name: 'Sign Out' }).click();
    await node.waitFor({ state: 'detached' });
    expect(await meStatus(other)).toBe(401);
    await admin.keyboard.press('Escape');
    await status(admin, 'Session of user "bob" signed out.').waitFor();

    await row.getByRole('button', { name: 'Sign Out Everywhere' }).click();
    await status(
      admin,
      'User "bob" signed out everywhere (1 session).',
    ).waitFor();
    await nav(bob, 'Categories').click();
    await bob
      .getByRole('alert')
      .filter({ hasText: 'Your session ended. Sign in again.' })
      .waitFor();
  });

  it('logged no error and threw nothing', () => {
    expect(errors.flat()).toEqual([]);
  });
});
