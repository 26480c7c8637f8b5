import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

// Bundles console/ into dist/console/, which the server serves at GET /
// (src/web/console-static.ts). Runs after `nest build`, which empties dist/.
const ROOT = join(__dirname, '..');
const SOURCE = join(ROOT, 'console');
const OUT = join(ROOT, 'dist', 'console');
/** SPEC budget for the shipped JS + CSS, gzipped. */
export const BUDGET_BYTES = 150 * 1024;
const SHIPPED = ['app.js', 'app.css'];

export function gzippedSize(dir: string): number {
  return SHIPPED.reduce(
    (sum, name) => sum + gzipSync(readFileSync(join(dir, name))).length,
    0,
  );
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: {
      app: join(SOURCE, 'src', 'main.tsx'),
      // The stylesheet: esbuild minifies it and leaves url('favicon.svg') local.
      'app-css': join(SOURCE, 'styles.css'),
    },
    outdir: OUT,
    entryNames: '[name]',
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    external: ['favicon.svg'],
    logLevel: 'warning',
    legalComments: 'none',
  });
  // esbuild names the CSS entry app-css.css; the page links app.css.
  renameSync(join(OUT, 'app-css.css'), join(OUT, 'app.css'));
  for (const file of ['index.html', 'favicon.svg']) {
    copyFileSync(join(SOURCE, file), join(OUT, file));
  }
  const size = gzippedSize(OUT);
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  console.log(
    `console: ${SHIPPED.join(' + ')} = ${kb(size)} KB gzipped (budget ${kb(BUDGET_BYTES)} KB)`,
  );
  if (size > BUDGET_BYTES) {
    throw new Error('the console is over its size budget');
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`build-console: ${String(error)}`);
    process.exit(1);
  });
}
