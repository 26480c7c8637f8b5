import type { Browser, Locator, Page } from 'playwright-core';
import { expectAccessible } from './helpers/axe';
import {
  launchChromium,
  screenshot,
  startServer,
  watchErrors,
  type Server,
} from './helpers/console-harness';

// GET /api/docs (SPEC §11) in a real browser: Swagger UI must render the
// document and call the API under the page's own CSP, with every asset local.
// A CSP violation is a console error in Chromium, so watchErrors catches it.
describe('the interactive API reference in a browser', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const foreign: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchErrors(page);
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) foreign.push(request.url());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('renders every operation of the document and runs one from the page', async () => {
    const response = await page.goto(`${server.url}/api/docs`);
    expect(response?.status()).toBe(200);
    expect(response?.request().redirectedFrom()).toBeNull();

    const document = (await (
      await fetch(`${server.url}/api/openapi.json`)
    ).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(document.paths).reduce(
      (n, item) => n + Object.keys(item).length,
      0,
    );
    const blocks = page.locator('.opblock');
    await blocks.first().waitFor();
    expect(await blocks.count()).toBe(operations);

    const live = page.locator('.opblock', {
      has: page.locator('[data-path="/api/health/live"]'),
    });
    await live.locator('.opblock-summary').first().click();
    await live.getByRole('button', { name: /Try it out/ }).click();
    await live.getByRole('button', { name: 'Execute' }).click();
    await live
      .locator('.live-responses-table .response-col_status')
      .filter({ hasText: '200' })
      .first()
      .waitFor();
    await screenshot(page, 'api-docs');

    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  // Swagger UI as shipped: 105 serious colour-contrast and 62
  // nested-interactive violations, before any operation was opened.
  it('has no serious or critical axe violation, operations open, tried, and in its dialogs', async () => {
    const docs = await browser.newPage({
      viewport: { width: 1280, height: 900 },
    });
    const docsErrors = watchErrors(docs);
    const operation = (path: string): Locator =>
      docs
        .locator('.opblock', {
          has: docs.locator(`.opblock-summary-path[data-path="${path}"]`),
        })
        .first();
    await docs.goto(`${server.url}/api/docs`);
    await docs.locator('.opblock').first().waitFor();
    await expectAccessible(docs, 'every operation collapsed');

    const create = operation('/api/keys');
    await create.locator('.opblock-summary-control').click();
    await create.getByRole('button', { name: /Try it out/ }).waitFor();
    await expectAccessible(docs, 'POST /api/keys expanded');
    await create.getByRole('tab', { name: 'Schema' }).first().click();
    await create
      .locator('.json-schema-2020-12-expand-deep-button')
      .first()
      .click();
    await expectAccessible(docs, 'its request schema expanded');
    await create.getByRole('tab', { name: 'Example Value' }).first().click();
    await create.getByRole('button', { name: /Try it out/ }).click();
    await expectAccessible(docs, 'trying it out');
    // A slow answer, as on a busy server: Execute stays disabled (opacity
    // 0.3) until it comes, and must be back at full contrast at once, not
    // fading in while axe looks at it.
    await docs.route('**/api/keys', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 600));
      await route.continue();
    });
    await create.getByRole('button', { name: 'Execute' }).click();
    await create.locator('.live-responses-table').first().waitFor();
    expect(
      await create
        .locator('.btn.execute')
        .evaluate((b) => [
          b.hasAttribute('disabled'),
          b.ownerDocument.defaultView?.getComputedStyle(b).opacity,
        ]),
    ).toEqual([false, '1']);
    await docs.unroute('**/api/keys');
    await expectAccessible(docs, 'its live response');

    const audit = operation('/api/audit');
    await audit.locator('.opblock-summary-control').click();
    await audit.getByRole('button', { name: /Try it out/ }).click();
    await audit.locator('tr[data-param-name="target_type"] select').waitFor();
    await expectAccessible(docs, 'GET /api/audit, its query parameters');

    await docs.locator('.auth-wrapper .authorize').click();
    await docs.locator('.dialog-ux .modal-ux').waitFor();
    await expectAccessible(docs, 'the Authorize dialog');
    await docs.getByRole('button', { name: 'Close' }).first().click();

    // Schemas with each kind of keyword (records, a request body with the
    // deprecated api_key, a oneOf, dates), expanded all the way down.
    for (const title of ['ApiKey', 'CreateApiKeyDto', 'Caller', 'AuditEntry']) {
      await docs
        .locator('section.models article[data-json-schema-level="0"]', {
          has: docs.locator('.json-schema-2020-12__title', {
            hasText: new RegExp(`^${title}$`),
          }),
        })
        .locator('.json-schema-2020-12-expand-deep-button')
        .first()
        .click();
    }
    await expectAccessible(docs, 'schemas expanded');

    expect(docsErrors).toEqual([]);
    await docs.close();
  });
});
