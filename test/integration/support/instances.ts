import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  startProcess,
  stopProcess,
  waitUntil,
  type Started,
} from './processes';

const ROOT = join(__dirname, '..', '..', '..');

export interface Instance {
  url: string;
  /** Everything it logged so far (LOG_FORMAT=json: one object a line). */
  logs: () => Record<string, unknown>[];
  stop: () => Promise<void>;
}

/** One `node dist/main.js`, as an operator runs it (`npm run build` first). */
export async function startInstance(
  env: Record<string, string>,
): Promise<Instance> {
  const main = join(ROOT, 'dist', 'main.js');
  if (!existsSync(main))
    throw new Error('dist/main.js is missing: run `npm run build` first');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started: Started = startProcess(process.execPath, [main], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_FORMAT: 'json',
      ...env,
    },
  });
  await waitUntil(
    `opsgate on ${port}`,
    async () => (await fetch(`${url}/api/health/live`)).ok,
    started,
    60_000,
  );
  const logs = () =>
    started
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { url, logs, stop: () => stopProcess(started.child) };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  ms: number;
}

/** One JSON request; the body is {} when there is none. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(options.body === undefined
        ? {}
        : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    ms: Date.now() - started,
  };
}
