import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expectAccessible, seriousViolations } from './helpers/axe';
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

// SPEC §21 in a browser: the audit log's titles, filters and details; 390 px
// screens; the dark theme; and axe-core over every screen and dialog, in the
// light and the dark theme, with no violation of impact serious or critical.
describe('the console, accessible everywhere', () => {
  let server: Server;
  let browser: Browser;
  let admin: Record<string, string>;
  const opened: { page: Page; errors: string[] }[] = [];

  const api = (method: string, path: string, body?: unknown) =>
    call(server.url, method, path, admin, body);

  /** A signed-in admin page in a fresh browser context. */
  async function adminPage(options: BrowserContextOptions): Promise<Page> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    opened.push({ page, errors: watchErrors(page) });
    await page.goto(server.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    return page;
  }
  const nav = (page: Page, name: string) =>
    page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name, exact: true });
  const open = async (page: Page, screen: string) => {
    const menu = page.getByRole('button', { name: 'Menu' });
    if (await menu.isVisible()) await menu.click();
    await nav(page, screen).click();
    await page.getByRole('heading', { name: screen, level: 1 }).waitFor();
    if (screen !== 'My Account') {
      await page
        .getByText(/^Showing |^No .* yet/)
        .first()
        .waitFor();
    }
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    const login = await call(
      server.url,
      'POST',
      '/api/sessions',
      {},
      { username: 'admin', password: ADMIN_PASSWORD },
    );
    admin = { 'X-Session-ID': login.body.session_id };
    await api('POST', '/api/categories', { id: 'prod', title: 'Production' });
    await api('POST', '/api/groups', { id: 'web', title: 'Web Servers' });
    await api('POST', '/api/roles', { id: 'ops', title: 'Operators' });
    await api('POST', '/api/users', {
      username: 'alice',
      password: 'tulip-harbor-93',
      full_name: 'Alice Smith',
    });
    const key = await api('POST', '/api/keys', {
      title: 'Deploy bot',
      privileges: ['run_jobs'],
      expires_at: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    });
    await api('PATCH', `/api/keys/${key.body.id}`, { max_per_sec: 5 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('finds what a planted violation breaks (the check can fail)', async () => {
    const page = await adminPage({});
    // Styled through the CSSOM: the CSP refuses style attributes in markup.
    await page.evaluate(`{
      const faint = document.createElement('p');
      faint.textContent = 'faint';
      faint.style.color = '#ddd';
      faint.style.background = '#fff';
      document.querySelector('main').append(faint, document.createElement('button'));
    }`);
    const found = await seriousViolations(page);
    expect(found.some((v) => v.startsWith('color-contrast:'))).toBe(true);
    expect(found.some((v) => v.startsWith('button-name:'))).toBe(true);
    await page.context().close();
    opened.pop();
  });

  it('shows audit targets by title, filters by Actor and Action, details an entry', async () => {
    const page = await adminPage({ viewport: { width: 1280, height: 860 } });
    await open(page, 'Audit Log');
    const created = page
      .getByRole('row')
      .filter({ hasText: 'api_key.create' })
      .filter({ hasText: 'Deploy bot' });
    await created.first().waitFor();
    const keyId = (await api('GET', '/api/keys')).body.items[0].id;
    expect(await created.first().textContent()).toContain(keyId);

    const actor = page.getByRole('combobox', { name: 'Actor' });
    const action = page.getByRole('combobox', { name: 'Action' });
    expect(await actor.locator('option').allTextContents()).toEqual(
      expect.arrayContaining(['admin', 'alice', `Deploy bot (key:${keyId})`]),
    );
    expect(await action.locator('option').allTextContents()).toEqual(
      expect.arrayContaining([
        'api_key.create',
        'api_key.update',
        'role.create',
      ]),
    );
    // Keyboard only: type-ahead in the focused combobox picks the action.
    await actor.focus();
    await tabTo(page, action, 1);
    await page.keyboard.type('api_key.update');
    await page.getByText('Showing 1–1 of 1').waitFor();
    const updated = page.getByRole('row').filter({ hasText: 'api_key.update' });
    await updated.getByRole('button', { name: 'Details' }).focus();
    await page.keyboard.press('Enter');
    const details = page.getByRole('dialog', { name: 'Audit Entry' });
    await details.waitFor();
    for (const text of [
      'admin',
      'api_key.update',
      keyId,
      'Deploy bot',
      'success',
    ]) {
      await details.getByText(text, { exact: true }).first().waitFor();
    }
    const changes = details.getByRole('listitem');
    expect(await changes.allTextContents()).toEqual(['max_per_sec → 5']);
    await expectAccessible(page, 'Audit Entry');
    await screenshot(page, '40-audit-details');
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });

    await actor.selectOption('alice');
    await page.getByText('No entries match.').waitFor();
    await actor.selectOption('admin');
    await page.getByText('Showing 1–1 of 1').waitFor();
  });

  it('keeps every row action on screen at 390 px, without sideways scrolling', async () => {
    const page = await adminPage({ viewport: { width: 390, height: 844 } });
    for (const screen of [
      'API Keys',
      'Users',
      'Roles',
      'Audit Log',
      'Categories',
      'Server Groups',
    ]) {
      await open(page, screen);
      const sideways = await page.evaluate(
        `[document.documentElement, ...document.querySelectorAll('.table-scroll')].map((e) => e.scrollWidth - e.clientWidth)`,
      );
      expect([screen, sideways]).toEqual([screen, [0, 0]]);
      const actions = page.locator('td.row-actions button');
      expect(await actions.count()).toBeGreaterThan(0);
      for (const action of await actions.all()) {
        const box = (await action.boundingBox())!;
        const label = await action.textContent();
        expect([screen, label, box.x >= 0 && box.x + box.width <= 390]).toEqual(
          [screen, label, true],
        );
      }
      await screenshot(
        page,
        `41-390-${screen.replace(/ /g, '-').toLowerCase()}`,
      );
    }
    // A row's action works from there: Disable asks, Cancel keeps it.
    await open(page, 'API Keys');
    await page.getByRole('button', { name: 'Disable' }).first().click();
    await page
      .getByRole('alertdialog')
      .getByRole('button', { name: 'Cancel' })
      .click();
    await expectAccessible(page, 'API Keys at 390 px');
  });

  it('turns dark with prefers-color-scheme: dark, text still AA', async () => {
    const page = await adminPage({
      colorScheme: 'dark',
      viewport: { width: 1280, height: 860 },
    });
    await open(page, 'API Keys');
    const [background, text] = await page.evaluate<string[]>(
      `['background-color', 'color'].map((p) => getComputedStyle(document.documentElement).getPropertyValue(p))`,
    );
    expect(luminance(background)).toBeLessThan(0.05);
    expect(contrast(text, background)).toBeGreaterThanOrEqual(4.5);
    await page.getByText('Expires soon').waitFor();
    await screenshot(page, '42-dark-api-keys');
    await sweep(page, 'dark');
  });

  it('has no serious or critical axe violation on any screen or dialog', async () => {
    const page = await adminPage({ viewport: { width: 1280, height: 860 } });
    await sweep(page, 'light');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await signIn(page, 'admin', 'wrong-password');
    await page.getByRole('alert').waitFor();
    await expectAccessible(page, 'sign-in with an alert');
  });

  it('logged no error and threw nothing', () => {
    expect(opened.flatMap(({ errors }) => errors)).toEqual([]);
  });

  /** Every screen, and every dialog each one opens, through axe. */
  async function sweep(page: Page, theme: string) {
    const check = (what: string) => expectAccessible(page, `${theme}: ${what}`);
    const button = (name: string) =>
      page.getByRole('button', { name, exact: true });
    const dialogs: [string, string][] = [
      ['API Keys', 'Add API Key…'],
      ['Users', 'Add User…'],
      ['Roles', 'Add Role…'],
      ['Categories', 'Add Category…'],
      ['Server Groups', 'Add Server Group…'],
    ];
    for (const [screen, add] of dialogs) {
      await open(page, screen);
      await check(screen);
      await button(add).click();
      await page.getByRole('dialog').waitFor();
      await check(add);
      await button('Cancel').click();
      const first = page.locator('tbody tr').first();
      await first.getByRole('button', { name: 'Edit' }).click();
      await check(`${screen}: Edit`);
      await button('Cancel').click();
      await first.getByRole('button', { name: 'Delete' }).click();
      await check(`${screen}: Delete`);
      await button('Cancel').click();
    }
    await open(page, 'API Keys');
    const key = page.getByRole('row').filter({ hasText: 'Deploy bot' });
    await key.getByRole('button', { name: 'Disable' }).click();
    await check('Disable');
    await button('Cancel').click();
    await key.getByRole('button', { name: 'Rotate…' }).click();
    await check('Rotate…');
    await button('Cancel').click();
    await key.getByRole('button', { name: 'Details' }).click();
    await page
      .getByRole('dialog', { name: 'Key Details' })
      .getByRole('img')
      .waitFor();
    await check('Key Details');
    await page.keyboard.press('Escape');
    await button('Add API Key…').click();
    await page.getByRole('textbox', { name: 'Title' }).fill(`Swept ${theme}`);
    await button('Create Key').click();
    await page.getByRole('textbox', { name: 'New API Key' }).waitFor();
    await check('New API Key');
    await page.keyboard.press('Escape');
    await page.getByRole('alertdialog').waitFor();
    await check('Close without copying?');
    await button('Close').click();
    await open(page, 'Audit Log');
    await check('Audit Log');
    await page.getByRole('button', { name: 'Details' }).first().click();
    await check('Audit Entry');
    await page.keyboard.press('Escape');
    await open(page, 'My Account');
    await check('My Account');
  }
});

/** WCAG relative luminance of a CSS rgb() colour. */
function luminance(color: string): number {
  const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((n) => {
    const c = Number(n) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}
