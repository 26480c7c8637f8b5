import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DOCS_CSS, DOCS_INIT } from './docs-theme';

/**
 * GET /api/docs: Swagger UI from the swagger-ui-dist package, every asset
 * served from this server (no CDN). No inline script: the page loads
 * init.js, so it works under a Content-Security-Policy of 'self' only.
 */
export const DOCS_PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>opsgate API reference</title>
    <link rel="stylesheet" href="/api/docs/swagger-ui.css">
    <link rel="stylesheet" href="/api/docs/docs.css">
    <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png">
  </head>
  <body>
    <main id="swagger-ui"></main>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/init.js"></script>
  </body>
</html>
`;

/**
 * The page's own Content-Security-Policy, whatever the rest of the API sends:
 * scripts, styles and connections from this origin only; images also as
 * data: URIs, which swagger-ui.css uses for its icons.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const dist = () => dirname(require.resolve('swagger-ui-dist/package.json'));

interface Asset {
  type: string;
  body: () => Buffer | string;
}

const fromDist = (type: string, file: string): Asset => {
  let cached: Buffer | undefined;
  return { type, body: () => (cached ??= readFileSync(join(dist(), file))) };
};

export const DOCS_ASSETS: Record<string, Asset> = {
  'swagger-ui.css': fromDist('text/css; charset=utf-8', 'swagger-ui.css'),
  'swagger-ui-bundle.js': fromDist(
    'text/javascript; charset=utf-8',
    'swagger-ui-bundle.js',
  ),
  'favicon-32x32.png': fromDist('image/png', 'favicon-32x32.png'),
  'init.js': { type: 'text/javascript; charset=utf-8', body: () => DOCS_INIT },
  'docs.css': { type: 'text/css; charset=utf-8', body: () => DOCS_CSS },
};
