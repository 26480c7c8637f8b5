import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportOpenApi } from './export-openapi';

/**
 * npm run lint:openapi (and so npm run lint): Redocly CLI's lint, with the
 * rules of redocly.yaml, over the document this source tree serves,
 * exported without a running server. Exits with Redocly's status.
 */
const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'test-artifacts', 'openapi.json');

async function main(): Promise<number> {
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  writeFileSync(OUT, JSON.stringify(await exportOpenApi(), null, 2));
  const cli = require.resolve('@redocly/cli/bin/cli.js');
  const run = spawnSync(process.execPath, [cli, 'lint', OUT], {
    cwd: ROOT,
    stdio: 'inherit',
    // No update check against the registry on every lint.
    env: { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  return run.status ?? 1;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
