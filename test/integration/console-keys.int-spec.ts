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

const DAY = 86_400_000;

// SPEC §19 and §21's API Keys bullet in the console: each key's "Details"
// (usage chart with its text alternative, routes, unused privileges and
// their removal, allowed IPs, expiry), "Expires soon", the allowlist in the
// key form, and Search answered by the API's own `q`.
describe('keys that explain themselves, in the console', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let admin: Record<string, string>;
  let keyId: string;

  const button = (name: string) =>
    page.getByRole('button', { name, exact: true });
  const status = (text: string) =>
    page.getByRole('status').filter({ hasText: text });
  const api = (method: string, path: string, body?: unknown) =>
    call(server.url, method, path, admin, body);

  beforeAll(async () => {
    server = await startServer();
    const login = await call(
      server.url,
      'POST',
      '/api/sessions',
      {},
      { username: 'admin', password: ADMIN_PASSWORD },
    );
    admin = { 'X-Session-ID': login.body.session_id };
    const made = await api('POST', '/api/keys', {
      title: 'Usage bot',
      privileges: ['create_categories', 'run_jobs', 'delete_events'],
      allowed_ips: ['127.0.0.1', '10.0.0.0/8'],
      ip_policy: 'report',
      expires_at: new Date(Date.now() + 3 * DAY).toISOString(),
    });
    keyId = made.body.id;
    const asKey = (method: string, path: string, body?: unknown) =>
      call(server.url, method, path, { 'X-API-Key': made.body.key }, body);
    expect((await asKey('GET', '/api/me')).status).toBe(200);
    const created = await asKey('POST', '/api/categories', {
      id: 'made-by-key',
      title: 'Made by key',
    });
    expect(created.status).toBe(201);
    const refused = await asKey('DELETE', '/api/categories/made-by-key');
    expect(refused.status).toBe(403);
    await api('POST', '/api/keys', {
      title: 'Quiet key',
      expires_at: new Date(Date.now() + 30 * DAY).toISOString(),
    });

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchErrors(page);
    await page.goto(server.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByText(/^Showing 1–2 of 2$/).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('marks a key that expires within 7 days "Expires soon", and only that one', async () => {
    const soon = page.getByRole('row').filter({ hasText: 'Expires soon' });
    expect(await soon.count()).toBe(1);
    expect(await soon.textContent()).toContain('Usage bot');
  });

  it('searches through the API, which looks in titles, descriptions and ids', async () => {
    const asked = page.waitForRequest((request) =>
      /\/api\/keys\?.*q=quiet/.test(request.url()),
    );
    await page.getByRole('searchbox', { name: 'Search' }).fill('quiet');
    await asked;
    await page.getByText('Showing 1–1 of 1').waitFor();
    await page.getByRole('row').filter({ hasText: 'Quiet key' }).waitFor();
    await page.getByRole('searchbox', { name: 'Search' }).fill(keyId);
    await page.getByRole('row').filter({ hasText: 'Usage bot' }).waitFor();
    await page.getByText('Showing 1–1 of 1').waitFor();
  });

  it('details a key: usage chart and its words, routes, IPs, expiry', async () => {
    const row = page.getByRole('row').filter({ hasText: 'Usage bot' });
    // From the search box, across the headers to the row.
    await tabTo(page, row.getByRole('button', { name: 'Details' }), 20);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Key Details' });
    const chart = dialog.getByRole('img', {
      name: /^3 requests in the last 14 days: 2 succeeded, 1 denied, 0 rate limited\./,
    });
    await chart.waitFor();
    await dialog.locator('summary').click(); // opens the table
    const days = dialog.getByRole('table', { name: 'Requests by day' });
    expect(await days.locator('tbody tr').count()).toBe(14);
    const today = new Date().toISOString().slice(0, 10);
    expect(
      await days.getByRole('row').filter({ hasText: today }).textContent(),
    ).toBe(`${today}210`);

    const routes = dialog.getByRole('table', { name: 'Routes' });
    await routes
      .getByRole('row')
      .filter({ hasText: 'POST /api/categories' })
      .waitFor();
    await routes.getByRole('row').filter({ hasText: 'GET /api/me' }).waitFor();
    for (const text of [
      '127.0.0.1',
      '10.0.0.0/8',
      'Report only',
      'Expires soon',
    ]) {
      await dialog.getByText(text).first().waitFor();
    }
    await expectAccessible(page, 'Key Details');
    await screenshot(page, '80-key-details');
  });

  it('removes the unused privileges, and says so', async () => {
    const dialog = page.getByRole('dialog', { name: 'Key Details' });
    await dialog.getByRole('heading', { name: 'Unused privileges' }).waitFor();
    const unused = dialog.getByRole('list', { name: 'Unused privileges' });
    expect(
      (await unused.getByRole('listitem').allTextContents()).sort(),
    ).toEqual(['Delete Events', 'Run Jobs']);
    const remove = dialog.getByRole('button', {
      name: 'Remove Unused Privileges',
    });
    await remove.focus();
    await page.keyboard.press('Enter');
    await dialog.getByText('Every privilege of this key was needed.').waitFor();
    await page.keyboard.press('Escape');
    await status('API key "Usage bot" updated.').waitFor();
    const key = await api('GET', `/api/keys/${keyId}`);
    expect(key.body.privileges).toEqual(['create_categories']);
  });

  it('edits the allowed IPs and the IP policy in the key form', async () => {
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    const row = page.getByRole('row').filter({ hasText: 'Quiet key' });
    await row.getByRole('button', { name: 'Edit' }).click();
    const ips = page.getByRole('textbox', { name: 'Allowed IPs' });
    await ips.fill('192.168.0.0/16\n10.1.2.3');
    await page
      .getByRole('combobox', { name: 'IP Policy' })
      .selectOption('report');
    await button('Save').click();
    await status('API key "Quiet key" updated.').waitFor();
    const keys = await api('GET', '/api/keys?q=quiet');
    expect(keys.body.items[0]).toMatchObject({
      allowed_ips: ['192.168.0.0/16', '10.1.2.3'],
      ip_policy: 'report',
    });

    await row.getByRole('button', { name: 'Edit' }).click();
    await ips.fill('not-an-address');
    await button('Save').click();
    await page.locator('textarea[aria-invalid="true"]').waitFor();
    const described = await ips.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${described}"]`).textContent()).toMatch(
      /^Allowed IPs /,
    );
    await button('Cancel').click();
  });

  it('logged no error and threw nothing', () => {
    expect(errors).toEqual([]);
  });
});
