import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/database/migrations';
import { freePort } from './helpers/free-port';

// The real server, started the way `npm start` ends: `node … src/main.ts`.
const ROOT = join(__dirname, '..');
const START_TIMEOUT_MS = 60_000;
const ADMIN_PASSWORD = 'process-admin-password';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Server {
  child: ChildProcess;
  output: () => string;
  stderr: () => string;
  exited: Promise<Exit>;
}

interface Reply {
  status: number;
  body: any;
}

/** A port that was free a moment ago. */
function startServer(env: Record<string, string>): Server {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (part: string) => {
    stdout += part;
  });
  child.stderr.setEncoding('utf8').on('data', (part: string) => {
    stderr += part;
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => stdout + stderr,
    stderr: () => stderr,
    exited,
  };
}

/** One JSON request on a fresh connection (no keep-alive, so shutdown is not held up). */
function call(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const payload =
    options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: {
          ...options.headers,
          ...(payload === undefined
            ? {}
            : { 'Content-Type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (part: string) => (text += part));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls GET /api/health until it answers 200; fails if the process exits first. */
async function waitUntilHealthy(server: Server, port: number): Promise<void> {
  let exit: Exit | undefined;
  void server.exited.then((value) => (exit = value));
  const deadline = Date.now() + START_TIMEOUT_MS - 5_000;
  while (Date.now() < deadline) {
    if (exit) {
      throw new Error(
        `server exited (${JSON.stringify(exit)}):\n${server.output()}`,
      );
    }
    const reply = await call(port, 'GET', '/api/health').catch(() => null);
    if (reply?.status === 200) return;
    await sleep(100);
  }
  throw new Error(`server did not become healthy:\n${server.output()}`);
}

/** Resolves with the exit, or rejects after `ms`. */
function exitWithin(server: Server, ms: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no exit within ${ms} ms:\n${server.output()}`)),
      ms,
    );
  });
  return Promise.race([server.exited, timeout]).finally(() =>
    clearTimeout(timer),
  );
}

async function readDatabase<T>(
  file: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const reader = new DataSource({ type: 'sqlite', database: file });
  await reader.initialize();
  try {
    return await reader.query<T[]>(sql, params);
  } finally {
    await reader.destroy();
  }
}

describe('the server process', () => {
  let dir: string;
  const started: Server[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsgate-process-'));
  });
  afterAll(() => {
    for (const server of started) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL');
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  describe('with an invalid setting', () => {
    // ADMIN_PASSWORD's message (never echoing the value) is covered by
    // src/config/app-config.spec.ts; main.ts prints only that message.
    it.each([
      ['PORT', 'abc'],
      ['API_KEY_LENGTH', '10'],
      ['LOG_LEVEL', 'loud'],
      ['SESSION_IDLE_TIMEOUT', '-5'],
    ])(
      'exits non-zero naming %s (=%s), before opening the database',
      async (name, value) => {
        const file = join(dir, `invalid-${name}.sqlite`);
        const server = startServer({
          DATABASE_PATH: file,
          PORT: String(await freePort()),
          [name]: value,
        });
        started.push(server);
        const exit = await exitWithin(server, START_TIMEOUT_MS - 5_000);
        expect(exit.code).not.toBe(0);
        expect(exit.code).not.toBeNull();
        expect(server.stderr()).toContain(name);
        expect(server.output()).not.toMatch(/listening on/);
        expect(existsSync(file)).toBe(false);
      },
      START_TIMEOUT_MS,
    );
  });

  describe('with valid settings', () => {
    let server: Server;
    let port: number;
    let file: string;

    beforeAll(async () => {
      port = await freePort();
      file = join(dir, 'valid', 'opsgate.sqlite');
      server = startServer({
        DATABASE_PATH: file,
        HOST: '127.0.0.1',
        PORT: String(port),
        ADMIN_PASSWORD,
        // Only the shutdown flush can write last_used_at within this test.
        ACTIVITY_FLUSH_INTERVAL: '60',
        // Slow enough hashing that a login is still running when SIGTERM lands.
        PASSWORD_HASH_MEMORY: '262144',
        PASSWORD_HASH_ITERATIONS: '4',
      });
      started.push(server);
      await waitUntilHealthy(server, port);
    }, START_TIMEOUT_MS);

    it('answers GET /api/health with 200 {"status":"ok"}', async () => {
      const reply = await call(port, 'GET', '/api/health');
      expect(reply).toEqual({ status: 200, body: { status: 'ok' } });
    });

    it('logs the address it listens on', () => {
      expect(server.output()).toContain(
        `opsgate listening on http://127.0.0.1:${port}`,
      );
    });

    it('has applied the migrations to DATABASE_PATH, in a folder it created', async () => {
      const rows = await readDatabase<{ name: string }>(
        file,
        'SELECT name FROM migrations ORDER BY id',
      );
      expect(rows.map((row) => row.name)).toEqual(
        MIGRATIONS.map((migration) => new migration().name),
      );
    });

    describe('on SIGTERM', () => {
      let keyId: string;
      let usedFrom: number;
      let usedUntil: number;
      let lastUsedBefore: unknown;
      let inFlight: Reply;
      let exit: Exit;

      beforeAll(async () => {
        const session = await call(port, 'POST', '/api/sessions', {
          body: { username: 'admin', password: ADMIN_PASSWORD },
        });
        expect(session.status).toBe(201);
        const created = await call(port, 'POST', '/api/keys', {
          headers: { 'X-Session-ID': session.body.session_id },
          body: { title: 'process test' },
        });
        expect(created.status).toBe(201);
        keyId = created.body.id;

        usedFrom = Date.now();
        const me = await call(port, 'GET', '/api/me', {
          headers: { 'X-API-Key': created.body.key },
        });
        usedUntil = Date.now();
        expect(me.status).toBe(200);
        [{ last_used_at: lastUsedBefore }] = await readDatabase<{
          last_used_at: unknown;
        }>(file, 'SELECT last_used_at FROM api_keys WHERE id = ?', [keyId]);

        // A login (Argon2id, 256 MiB × 4 passes: about a second) is in flight when the signal arrives.
        const login = call(port, 'POST', '/api/sessions', {
          body: { username: 'admin', password: ADMIN_PASSWORD },
        });
        await sleep(200);
        server.child.kill('SIGTERM');
        [inFlight, exit] = await Promise.all([
          login,
          exitWithin(server, START_TIMEOUT_MS - 10_000),
        ]);
      }, START_TIMEOUT_MS);

      it('writes the last use of an API key, made just before, to the database file', async () => {
        expect(lastUsedBefore).toBeNull();
        const [row] = await readDatabase<{ last_used_at: number | null }>(
          file,
          'SELECT last_used_at FROM api_keys WHERE id = ?',
          [keyId],
        );
        expect(row.last_used_at).not.toBeNull();
        expect(row.last_used_at).toBeGreaterThanOrEqual(usedFrom);
        expect(row.last_used_at).toBeLessThanOrEqual(usedUntil);
      });

      it('finishes a request that was in flight', async () => {
        expect(inFlight.status).toBe(201);
        const rows = await readDatabase<{ n: number }>(
          file,
          'SELECT COUNT(*) AS n FROM sessions',
        );
        expect(rows[0].n).toBe(2);
      });

      it('shuts down without an error in the log', () => {
        expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
        expect(server.output()).not.toMatch(
          /Error during shutdown|Could not write activity|ERROR/,
        );
      });

      it('exits with code 0', () => {
        expect(exit).toEqual({ code: 0, signal: null });
      });
    });
  });
});
