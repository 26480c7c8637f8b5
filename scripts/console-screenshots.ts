import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  ROOT,
  call,
  launchChromium,
  signIn,
  startServer,
  type Server,
} from '../test/integration/helpers/console-harness';

// The README's and docs/'s pictures of the console, taken from the built
// server (`npm run build` first) in Chromium, with data seeded through the
// API. Run it after a visible change:
//   node -r ts-node/register/transpile-only scripts/console-screenshots.ts
const DOCS = join(ROOT, 'docs');
const DAY = 86_400_000;

async function seed(server: Server): Promise<void> {
  const login = await call(
    server.url,
    'POST',
    '/api/sessions',
    {},
    { username: 'admin', password: ADMIN_PASSWORD },
  );
  const { session_id } = login.body as { session_id: string };
  const as = { 'X-Session-ID': session_id };
  const post = (path: string, body: unknown) =>
    call(server.url, 'POST', path, as, body);
  await post('/api/categories', { id: 'deploys', title: 'Deploys' });
  await post('/api/categories', { id: 'prod', title: 'Production' });
  await post('/api/groups', { id: 'web', title: 'Web Servers' });
  await post('/api/roles', {
    id: 'operators',
    title: 'Operators',
    privileges: ['run_jobs', 'abort_jobs'],
  });
  await post('/api/users', {
    username: 'alice',
    password: 'tulip-harbor-93',
    full_name: 'Alice Liddell',
    roles: ['operators'],
  });
  const keys = [
    {
      title: 'CI deploy',
      privileges: ['create_events', 'run_jobs'],
      categories: ['deploys'],
      max_per_sec: 2,
    },
    {
      title: 'Nightly backup',
      privileges: ['bulk_export'],
      expires_at: new Date(Date.now() + 4 * DAY).toISOString(),
    },
    {
      title: 'Monitoring agent',
      privileges: ['create_monitors', 'edit_monitors'],
      groups: ['web'],
      max_per_sec: 50,
    },
    {
      title: 'Ticket bridge',
      privileges: ['create_tickets', 'edit_tickets'],
      active: false,
    },
  ];
  for (const key of keys) {
    const made = (await post('/api/keys', key)).body as { key: string };
    // Requests with the key give it a "Last Used" and a day of usage.
    const asKey = (method: string, path: string, body?: unknown) =>
      call(server.url, method, path, { 'X-API-Key': made.key }, body);
    if (key.active === false) continue;
    await asKey('GET', '/api/me');
    if (key.title !== 'CI deploy') continue;
    await new Promise((r) => setTimeout(r, 1100)); // a fresh second of its limit
    await Promise.all([
      asKey('POST', '/api/events', { title: 'Deploy', category: 'deploys' }),
      asKey('GET', '/api/events'),
      asKey('GET', '/api/me'), // over 2 a second: rate limited
    ]);
    await new Promise((r) => setTimeout(r, 1100));
    await asKey('DELETE', '/api/categories/deploys'); // denied
  }
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(DOCS, `${name}.png`) });
  console.log(`docs/${name}.png`);
}

async function pictures(browser: Browser, server: Server): Promise<void> {
  const open = async (options: Parameters<Browser['newPage']>[0]) => {
    const page = await browser.newPage(options);
    await page.goto(server.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('heading', { name: 'API Keys' }).waitFor();
    await page.getByText(/^Showing/).waitFor();
    return page;
  };
  const nav = (page: Page, name: string) =>
    page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name, exact: true })
      .click();

  const page = await open({ viewport: { width: 1280, height: 720 } });
  await shoot(page, 'console-api-keys');
  await page
    .getByRole('row')
    .filter({ hasText: 'CI deploy' })
    .getByRole('button', { name: 'Details' })
    .click();
  await page
    .getByRole('dialog', { name: 'Key Details' })
    .getByRole('img')
    .waitFor();
  await page.setViewportSize({ width: 1280, height: 1000 });
  await shoot(page, 'console-key-details');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Add API Key…' }).click();
  await page.getByRole('textbox', { name: 'Title' }).fill('Deploy bot');
  await page.getByRole('searchbox', { name: 'Filter Privileges' }).fill('jobs');
  await page.getByRole('checkbox', { name: 'Select all' }).check();
  await shoot(page, 'console-add-api-key');
  await page.keyboard.press('Escape');
  await nav(page, 'Audit Log');
  await page.getByRole('button', { name: 'Details' }).first().click();
  await page.getByRole('dialog', { name: 'Audit Entry' }).waitFor();
  await shoot(page, 'console-audit-log');
  await page.keyboard.press('Escape');
  await nav(page, 'My Account');
  await page.getByRole('table', { name: 'Security Log' }).waitFor();
  await page.screenshot({
    path: join(DOCS, 'console-my-account.png'),
    fullPage: true,
  });
  console.log('docs/console-my-account.png');

  const dark = await open({
    viewport: { width: 1280, height: 720 },
    colorScheme: 'dark',
  });
  await shoot(dark, 'console-api-keys-dark');
  const phone = await open({ viewport: { width: 390, height: 844 } });
  await shoot(phone, 'console-phone');
}

async function main(): Promise<void> {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    await seed(server);
    await pictures(browser, server);
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
