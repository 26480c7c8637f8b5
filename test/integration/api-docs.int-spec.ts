import type { Browser, Page } from 'playwright-core';
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
});
