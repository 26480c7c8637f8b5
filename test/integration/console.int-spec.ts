import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BUDGET_BYTES, gzippedSize } from '../../scripts/build-console';
import {
  ADMIN_PASSWORD,
  ROOT,
  call,
  launchChromium,
  screenshot,
  signIn,
  startServer,
  watchErrors,
  type Server,
} from './helpers/console-harness';
import { join } from 'node:path';

// The console (SPEC §10) in headless Chromium against the real built server.
// The browser runs in New York, so local midnight is not UTC midnight.
const YEAR = new Date().getUTCFullYear() + 1;
const EXPIRY_DATE = `${YEAR}-01-15`;
const EXPIRY_ISO = `${YEAR}-01-15T05:00:00.000Z`;

describe('the console in a browser', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const foreign: string[] = [];
  let adminSession: string;
  let key: string;

  const button = (name: string) =>
    page.getByRole('button', { name, exact: true });
  const textbox = (name: string) =>
    page.getByRole('textbox', { name, exact: true });
  const row = (name: RegExp) => page.getByRole('row', { name });
  const nav = (name: string) =>
    page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name, exact: true });
  const asKey = (
    secret: string,
    method = 'GET',
    path = '/api/me',
    body?: unknown,
  ) => call(server.url, method, path, { 'X-API-Key': secret }, body);

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    context = await browser.newContext({
      timezoneId: 'America/New_York',
      viewport: { width: 1280, height: 860 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: server.url,
    });
    page = await context.newPage();
    errors = watchErrors(page);
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) foreign.push(request.url());
    });
    const login = await call(
      server.url,
      'POST',
      '/api/sessions',
      {},
      {
        username: 'admin',
        password: ADMIN_PASSWORD,
      },
    );
    adminSession = login.body.session_id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('serves the console at / with a self-only CSP, and the API keeps its 404s', async () => {
    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = home.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await home.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const path of ['/api/no-such-route', '/no-such-page']) {
      const res = await fetch(server.url + path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(
        /^application\/problem\+json/,
      );
    }
    const json = await fetch(`${server.url}/api/health`);
    expect(json.headers.get('cache-control')).toBe('no-store');
    expect(json.headers.get('referrer-policy')).toBe('no-referrer');
    expect(gzippedSize(join(ROOT, 'dist', 'console'))).toBeLessThan(
      BUDGET_BYTES,
    );
  });

  it('refuses a wrong password with the API detail, then signs in', async () => {
    await page.goto(server.url);
    await signIn(page, 'admin', 'wrong-password');
    await page
      .getByRole('alert')
      .filter({ hasText: 'The username or password is wrong.' })
      .waitFor();
    await screenshot(page, '01-sign-in');
    await signIn(page, 'admin', ADMIN_PASSWORD);
    for (const link of [
      'API Keys',
      'Users',
      'Categories',
      'Server Groups',
      'My Account',
    ]) {
      await nav(link).waitFor();
    }
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'session_id')?.httpOnly).toBe(true);
  });

  it('creates, edits and deletes categories and server groups', async () => {
    await nav('Categories').click();
    await page.getByRole('heading', { name: 'Categories' }).waitFor();
    for (const [id, title] of [
      ['prod', 'Production'],
      ['stage', 'Staging'],
    ]) {
      await button('Add Category…').click();
      await textbox('ID').fill(id);
      await textbox('Title').fill(title);
      await button('Create Category').click();
      await row(new RegExp(title)).waitFor();
    }
    await row(/Production/)
      .getByRole('button', { name: 'Edit' })
      .click();
    expect(await textbox('Title').inputValue()).toBe('Production');
    await textbox('Title').fill('Production EU');
    await button('Save').click();
    await row(/Production EU/).waitFor();
    await row(/Staging/)
      .getByRole('button', { name: 'Delete' })
      .click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await row(/Staging/).waitFor({ state: 'detached' });
    await screenshot(page, '02-categories');

    await nav('Server Groups').click();
    await button('Add Server Group…').click();
    await textbox('ID').fill('web');
    await textbox('Title').fill('Web Servers');
    await textbox('Hostname Match').fill('^web\\d+$');
    await button('Create Server Group').click();
    await row(/Web Servers/).waitFor();
    await screenshot(page, '03-server-groups');
  });

  it('runs the seed flow: Add API Key…, Create Key, the key shown once', async () => {
    await nav('API Keys').click();
    await page.getByRole('heading', { name: 'API Keys' }).waitFor();
    await button('Add API Key…').click();
    await textbox('Title').fill('CI deploy');
    const privileges = page.getByRole('group', { name: 'Privileges' });
    await privileges.getByRole('checkbox', { name: 'Create Events' }).check();
    await privileges.getByRole('checkbox', { name: 'Run Jobs' }).check();
    await page
      .getByRole('group', { name: 'Categories' })
      .getByRole('checkbox', { name: 'Production EU' })
      .check();
    await page.getByRole('group', { name: 'Roles' }).waitFor();
    await page.getByLabel('Expiration Date').fill(EXPIRY_DATE);
    await page.getByRole('spinbutton', { name: 'Rate Limit' }).fill('2');
    expect(
      await page.getByRole('checkbox', { name: 'Active' }).isChecked(),
    ).toBe(true);
    await screenshot(page, '04-add-api-key');
    await button('Create Key').click();

    const shown = textbox('New API Key');
    key = await shown.inputValue();
    expect(key).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(await shown.getAttribute('readonly')).not.toBeNull();
    await page.getByText('will not be shown again').waitFor();
    await button('Copy').click();
    await page.getByText('Copied').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    await screenshot(page, '05-new-api-key');
    await button('Done').click();
    const mask = `${key.slice(0, 4)}********${key.slice(-4)}`;
    const keyRow = row(/CI deploy/);
    await keyRow.getByRole('cell', { name: mask }).waitFor();
    for (const cell of ['Active', '2/s', 'Never', 'Create Events, Run Jobs']) {
      await keyRow
        .getByRole('cell', { name: cell, exact: true })
        .first()
        .waitFor();
    }
    await screenshot(page, '06-api-keys');

    const stored = await page.evaluate(
      'JSON.stringify([{ ...localStorage }, { ...sessionStorage }])',
    );
    expect(stored).toBe('[{},{}]');
  });

  it('made a key that the API restricts, rate limits and expires as chosen', async () => {
    const list = await call(server.url, 'GET', '/api/keys', {
      'X-Session-ID': adminSession,
    });
    const record = list.body.items.find((k: any) => k.title === 'CI deploy');
    expect(record).toMatchObject({
      privileges: ['create_events', 'run_jobs'],
      categories: ['prod'],
      max_per_sec: 2,
      expires_at: EXPIRY_ISO,
      active: true,
    });
    await new Promise((r) => setTimeout(r, 1100));
    const me = await asKey(key);
    expect(me.status).toBe(200);
    const denied = await asKey(key, 'POST', '/api/categories', {
      id: 'x',
      title: 'X',
    });
    expect([denied.status, denied.body.code]).toEqual([
      403,
      'missing_privilege',
    ]);
    await new Promise((r) => setTimeout(r, 1100));
    const burst = await Promise.all(
      Array.from({ length: 6 }, () => asKey(key)),
    );
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429]);
  });

  it('shows validation errors next to their fields', async () => {
    await button('Add API Key…').click();
    await textbox('Title').fill('bad <title>');
    await page.getByLabel('Expiration Date').fill('2020-01-01');
    await button('Create Key').click();
    const title = textbox('Title');
    await page.locator('[aria-invalid="true"]').first().waitFor();
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await title.getAttribute('aria-describedby');
    // SPEC §21: the message begins with the field's label, not its wire name.
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(
      /^Title must not contain < or >/,
    );
    await screenshot(page, '07-validation');
    // The date is checked after the fields' own rules: a second answer.
    await textbox('Title').fill('old key');
    await button('Create Key').click();
    const date = page.getByLabel('Expiration Date');
    await page.locator('input[type="date"][aria-invalid="true"]').waitFor();
    expect(await title.getAttribute('aria-invalid')).toBeNull();
    expect(await date.getAttribute('aria-invalid')).toBe('true');
    await button('Cancel').click();
  });

  it('edits, disables, enables, rotates and deletes a key', async () => {
    const keyRow = row(/CI deploy/);
    await keyRow.getByRole('button', { name: 'Edit' }).click();
    expect(await textbox('Title').inputValue()).toBe('CI deploy');
    const limit = page.getByRole('spinbutton', { name: 'Rate Limit' });
    expect(await limit.inputValue()).toBe('2');
    await limit.fill('0');
    await button('Save').click();
    await keyRow.getByRole('cell', { name: 'Unlimited' }).waitFor();

    await keyRow.getByRole('button', { name: 'Disable' }).click();
    // SPEC §21: Disable asks first.
    await page
      .getByRole('alertdialog')
      .getByRole('button', { name: 'Disable' })
      .click();
    await keyRow.getByRole('cell', { name: 'Disabled' }).waitFor();
    expect((await asKey(key)).body.code).toBe('api_key_disabled');
    await keyRow.getByRole('button', { name: 'Enable' }).click();
    await keyRow.getByRole('cell', { name: 'Active' }).waitFor();
    expect((await asKey(key)).status).toBe(200);

    await keyRow.getByRole('button', { name: 'Rotate…' }).click();
    const grace = page.getByRole('spinbutton', {
      name: 'Grace Period (seconds)',
    });
    expect(await grace.inputValue()).toBe('0');
    await screenshot(page, '08-rotate');
    await button('Rotate Key').click();
    const rotated = await textbox('New API Key').inputValue();
    expect(rotated).not.toBe(key);
    // SPEC §21: Done before Copy asks first.
    await button('Copy').click();
    await button('Done').click();
    expect((await asKey(key)).status).toBe(401);
    expect((await asKey(rotated)).status).toBe(200);

    await keyRow.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('alertdialog');
    await screenshot(page, '09-delete');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await keyRow.waitFor();
    await keyRow.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await keyRow.waitFor({ state: 'detached' });
    expect((await asKey(rotated)).body.code).toBe('invalid_api_key');
  });

  it('logged no error, threw nothing and fetched nothing from elsewhere', () => {
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  });
});
