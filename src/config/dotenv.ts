import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Reads `.env` from the working directory into `env`, before loadConfig sees
 * it. A variable already in the environment wins, so an operator can always
 * override the file. A missing file is not an error. Node's own parser
 * (util.parseEnv) rather than a library: it is the dotenv format.
 */
export function loadDotEnv(
  env: NodeJS.ProcessEnv = process.env,
  dir = process.cwd(),
): void {
  let text: string;
  try {
    text = readFileSync(join(dir, '.env'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] === undefined) env[name] = value;
  }
}
