import type { Browser, BrowserContext, Page } from 'playwright-core';
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
import { focused, tabTo } from './helpers/console-keys';

// SPEC §21 in a browser: secrets never lost, the privilege picker, lists that
// search, sort and page, confirmations and announcements, errors in words.
// Every new control is also worked from the keyboard alone.
describe('the console for daily work', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let admin: Record<string, string>;

  const button = (name: string) =>
    page.getByRole('button', { name, exact: true });
  const textbox = (name: string) =>
    page.getByRole('textbox', { name, exact: true });
  const row = (name: string) => page.getByRole('row').filter({ hasText: name });
  const nav = (name: string) =>
    page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name, exact: true });
  const status = (text: string) =>
    page.getByRole('status').filter({ hasText: text });
  const closeAsk = () =>
    page.getByRole('alertdialog', { name: 'Close without copying?' });
  const api = (method: string, path: string, body?: unknown) =>
    call(server.url, method, path, admin, body);
  const keyNamed = async (title: string) =>
    (await api('GET', '/api/keys?limit=1000')).body.items.find(
      (k: { title: string }) => k.title === title,
    );

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: server.url,
    });
    page = await context.newPage();
    errors = watchErrors(page);
    const login = await call(
      server.url,
      'POST',
      '/api/sessions',
      {},
      { username: 'admin', password: ADMIN_PASSWORD },
    );
    admin = { 'X-Session-ID': login.body.session_id };
    await page.goto(server.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await nav('API Keys').click();
    await page.getByRole('heading', { name: 'API Keys' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks before a one-time key is closed uncopied: Escape, backdrop, Done', async () => {
    await button('Add API Key…').click();
    await textbox('Title').fill('Secret keeper');
    await button('Create Key').click();
    const shown = textbox('New API Key');
    const secret = await shown.inputValue();
    expect(secret).toMatch(/^[A-Za-z0-9]{24}$/);
    await expectAccessible(page, 'New API Key');

    await page.keyboard.press('Escape');
    await closeAsk().waitFor();
    await expectAccessible(page, 'Close without copying?');
    await screenshot(page, '30-close-without-copying');
    // The harmless answer has the focus: Enter keeps the key on screen.
    expect(
      await focused(closeAsk().getByRole('button', { name: 'Keep Open' })),
    ).toBe(true);
    await page.keyboard.press('Enter');
    await closeAsk().waitFor({ state: 'detached' });
    expect(await shown.inputValue()).toBe(secret);

    await page.mouse.click(4, 4); // the backdrop, outside the dialog
    await closeAsk().waitFor();
    await closeAsk().getByRole('button', { name: 'Keep Open' }).click();
    expect(await shown.inputValue()).toBe(secret);

    await button('Done').click();
    await closeAsk().waitFor();
    await page.keyboard.press('Shift+Tab'); // from Keep Open to Close
    await page.keyboard.press('Enter');
    await shown.waitFor({ state: 'detached' });
    await status('API key "Secret keeper" created.').waitFor();

    // Copied first: Done closes at once, and the rotation is announced.
    await row('Secret keeper').getByRole('button', { name: 'Rotate…' }).click();
    await button('Rotate Key').click();
    const rotated = await shown.inputValue();
    await button('Copy').click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(rotated);
    await button('Done').click();
    await shown.waitFor({ state: 'detached' });
    expect(await closeAsk().count()).toBe(0);
    await status('API key "Secret keeper" rotated.').waitFor();
  });

  it('filters privileges, heads them by resource, selects a resource, counts', async () => {
    await button('Add API Key…').click();
    await textbox('Title').fill('Picked privileges');
    const group = page.getByRole('group', { name: 'Privileges' });
    for (const heading of [
      'Administration',
      'Events',
      'Jobs',
      'Server Groups',
    ]) {
      await group
        .getByRole('heading', { name: heading, exact: true })
        .waitFor();
    }
    const count = group.getByText(/^\d+ selected$/);
    expect(await count.getAttribute('aria-live')).toBe('polite');
    expect(await count.textContent()).toBe('0 selected');

    const filter = group.getByRole('searchbox', { name: 'Filter Privileges' });
    await tabTo(page, filter);
    await page.keyboard.type('events');
    const createEvents = group.getByRole('checkbox', { name: 'Create Events' });
    await createEvents.waitFor();
    expect(
      await group.getByRole('checkbox', { name: 'Run Jobs' }).isVisible(),
    ).toBe(false);
    await tabTo(page, createEvents);
    await page.keyboard.press('Space');
    expect(await count.textContent()).toBe('1 selected');
    await expectAccessible(page, 'Add API Key… with a filter');

    await filter.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('jobs');
    await createEvents.waitFor({ state: 'hidden' });
    // The one "Select all" shown is the Jobs resource's.
    const selectAll = group.getByRole('checkbox', { name: 'Select all' });
    expect(await selectAll.count()).toBe(1);
    await tabTo(page, selectAll);
    await page.keyboard.press('Space');
    // Four job privileges, plus Create Events, hidden but still counted.
    expect(await count.textContent()).toBe('5 selected');
    await screenshot(page, '31-privilege-picker');
    await filter.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    expect(await createEvents.isChecked()).toBe(true);

    await button('Create Key').click();
    await button('Copy').click();
    await button('Done').click();
    await status('API key "Picked privileges" created.').waitFor();
    const record = await keyNamed('Picked privileges');
    expect([...record.privileges].sort()).toEqual([
      'abort_jobs',
      'create_events',
      'delete_jobs',
      'run_jobs',
      'tag_jobs',
    ]);
  });

  it('searches, sorts and pages the keys, 50 rows a page', async () => {
    for (let n = 1; n <= 55; n += 1) {
      const title = `Bulk ${String(n).padStart(2, '0')}`;
      expect((await api('POST', '/api/keys', { title })).status).toBe(201);
    }
    await nav('Users').click();
    await nav('API Keys').click();
    const body = page.locator('tbody tr');
    await page.getByText('Showing 1–50 of 57').waitFor();
    expect(await body.count()).toBe(50);

    // From the last row's last action, the next stop is the pager.
    await page.locator('tbody tr').last().getByRole('button').last().focus();
    await tabTo(page, button('Next'), 3);
    await page.keyboard.press('Enter');
    await page.getByText('Showing 51–57 of 57').waitFor();
    expect(await body.count()).toBe(7);
    await button('Previous').focus();
    await page.keyboard.press('Enter');
    await page.getByText('Showing 1–50 of 57').waitFor();

    const title = page.getByRole('columnheader', { name: 'Title' });
    expect(await title.getAttribute('aria-sort')).toBe('none');
    await title.getByRole('button', { name: 'Title' }).focus();
    await page.keyboard.press('Enter');
    expect(await title.getAttribute('aria-sort')).toBe('ascending');
    expect(
      await body.first().getByRole('cell').first().textContent(),
    ).toContain('Bulk 01');
    await page.keyboard.press('Enter');
    expect(await title.getAttribute('aria-sort')).toBe('descending');
    expect(
      await body.first().getByRole('cell').first().textContent(),
    ).toContain('Secret keeper');
    await screenshot(page, '32-sorted');

    const search = page.getByRole('searchbox', { name: 'Search' });
    await tabTo(page, search, 3, 'Shift+Tab'); // back from the Title header
    await page.keyboard.type('bulk 07');
    await page.getByText('Showing 1–1 of 1').waitFor();
    expect(await body.count()).toBe(1);
    await row('Bulk 07').waitFor();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.getByText('Showing 1–50 of 57').waitFor();

    // Emptied by deletions, the last page gives way to the one before it.
    await nav('Users').click();
    await nav('API Keys').click();
    await button('Next').click();
    await page.getByText('Showing 51–57 of 57').waitFor();
    const titles = await page
      .locator('tbody tr td:first-child .cell-value')
      .allTextContents();
    for (const title of titles.slice(1)) {
      const { id } = await keyNamed(title);
      expect((await api('DELETE', `/api/keys/${id}`)).status).toBe(204);
    }
    await row(titles[0]).getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('alertdialog')
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByText('Showing 1–50 of 50').waitFor();
  });

  it('gives every list screen Search, sortable headers and the page count', async () => {
    await api('POST', '/api/roles', { id: 'ops', title: 'Operators' });
    await api('POST', '/api/categories', { id: 'prod', title: 'Production' });
    await api('POST', '/api/groups', { id: 'web', title: 'Web Servers' });
    for (const screen of [
      'Users',
      'Roles',
      'Categories',
      'Server Groups',
      'Audit Log',
    ]) {
      await nav(screen).click();
      await page.getByRole('heading', { name: screen, level: 1 }).waitFor();
      await page.getByText(/^Showing 1–\d+ of \d+$/).waitFor();
      await page.getByRole('searchbox', { name: 'Search' }).waitFor();
      const headers = page.getByRole('columnheader');
      const named = [];
      for (const header of await headers.all()) {
        const text = (await header.textContent())?.trim();
        if (text === 'Actions') continue; // the row actions' column
        expect([screen, text, await header.getAttribute('aria-sort')]).toEqual([
          screen,
          text,
          'none',
        ]);
        expect(await header.getByRole('button').count()).toBe(1);
        named.push(text);
      }
      expect(named.length).toBeGreaterThan(2);
    }
  });

  it('asks before Disable, naming the key, and announces each change', async () => {
    await nav('API Keys').click();
    const bulk = row('Bulk 01');
    await bulk.getByRole('button', { name: 'Disable' }).click();
    const ask = page.getByRole('alertdialog');
    await ask.filter({ hasText: 'Bulk 01' }).waitFor();
    await expectAccessible(page, 'Disable API Key');
    await screenshot(page, '33-disable');
    await page.keyboard.press('Enter'); // Cancel has the focus
    await ask.waitFor({ state: 'detached' });
    expect((await keyNamed('Bulk 01')).active).toBe(true);

    await bulk.getByRole('button', { name: 'Edit' }).focus();
    await tabTo(page, bulk.getByRole('button', { name: 'Disable' }), 1);
    await page.keyboard.press('Enter');
    await ask.getByRole('button', { name: 'Disable' }).focus();
    await page.keyboard.press('Enter');
    await status('API key "Bulk 01" disabled.').waitFor();
    expect((await keyNamed('Bulk 01')).active).toBe(false);

    await bulk.getByRole('button', { name: 'Enable' }).click();
    await status('API key "Bulk 01" enabled.').waitFor();
    await bulk.getByRole('button', { name: 'Edit' }).click();
    await textbox('Description').fill('edited');
    await button('Save').click();
    await status('API key "Bulk 01" updated.').waitFor();
    await bulk.getByRole('button', { name: 'Delete' }).click();
    await ask.getByRole('button', { name: 'Delete' }).click();
    await status('API key "Bulk 01" deleted.').waitFor();
    expect(await keyNamed('Bulk 01')).toBeUndefined();

    await nav('Categories').click();
    await button('Add Category…').click();
    await textbox('ID').fill('stage');
    await textbox('Title').fill('Staging');
    await button('Create Category').click();
    await status('Category "Staging" created.').waitFor();
  });

  it('names the field in its error, and clears it when the field changes', async () => {
    await nav('API Keys').click();
    await button('Add API Key…').click();
    await textbox('Title').fill('Too late');
    const date = page.getByLabel('Expiration Date');
    await date.fill('2020-01-01');
    await button('Create Key').click();
    await page.locator('input[type="date"][aria-invalid="true"]').waitFor();
    const described = await date.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${described}"]`).textContent()).toBe(
      'Expiration Date must be in the future',
    );
    await date.fill(`${new Date().getFullYear() + 1}-06-01`);
    expect(await date.getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByText('Expiration Date must be').count()).toBe(0);
    await button('Cancel').click();

    await nav('Users').click();
    await button('Add User…').click();
    await textbox('Username').fill('shorty');
    const password = page.getByLabel('Password', { exact: true });
    await password.fill('short');
    await button('Create User').click();
    await page.getByText('Password must be at least 8 characters').waitFor();
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'Add User… with an error');
    await password.press('x');
    expect(await password.getAttribute('aria-invalid')).toBeNull();
    await button('Cancel').click();
  });

  it('says when to try again after a lockout, and when a session ended', async () => {
    const other = await browser.newContext();
    const second = await other.newPage();
    const secondErrors = watchErrors(second);
    const sso = second.waitForResponse((r) => r.url().endsWith('/api/sso'));
    await second.goto(server.url);
    // No OpenID provider configured: no SSO button (SPEC §17).
    expect((await (await sso).json()).oidc).toBe(false);
    expect(
      await second.getByRole('button', { name: 'Sign in with SSO' }).count(),
    ).toBe(0);
    const alert = second.getByRole('alert');
    const attempt = async (password: string) => {
      const answered = second.waitForResponse((r) =>
        r.url().endsWith('/api/sessions'),
      );
      await signIn(second, 'admin', password);
      return (await answered).status();
    };
    for (let n = 1; n <= 5; n += 1) {
      expect(await attempt(`wrong-${n}`)).toBe(401);
      await alert
        .filter({ hasText: 'The username or password is wrong.' })
        .waitFor();
    }
    expect(await attempt('wrong-6')).toBe(429);
    await alert
      .filter({ hasText: /Try again in \d+ seconds? \(at / })
      .waitFor();
    await screenshot(second, '34-lockout');

    // The session ended elsewhere (here: by the API), then a click.
    const cookie = (await context.cookies()).find(
      (c) => c.name === 'session_id',
    )!;
    await call(server.url, 'DELETE', '/api/sessions/current', {
      'X-Session-ID': cookie.value,
    });
    await nav('Categories').click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Your session ended. Sign in again.' })
      .waitFor();
    await expectAccessible(page, 'sign-in after the session ended');
    await screenshot(page, '35-session-ended');
    expect(secondErrors).toEqual([]);
    await other.close();
  });

  it('logged no error and threw nothing', () => {
    expect(errors).toEqual([]);
  });
});
