import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { login } from '../helpers/auth';
import { ADMIN_PASSWORD, createTestApp } from '../helpers/test-app';
import { testDatabase } from '../helpers/test-database';
import { CliRun, runCli } from '../helpers/cli-run';
import { startPostgres, type PostgresServer } from './support/postgres-server';

// The PostgreSQL counterpart of test/cli.e2e-spec.ts (which is about SQLite
// files and runs on SQLite only): the built CLI (`npm run build` first, as
// .ci/run does) against DATABASE_URL, on the database a server made.
const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'dist', 'cli', 'main.js');
const PATH_KEY = '/cli/postgres';

let server: PostgresServer;
let dir: string;
let env: Record<string, string>;

const cli = (args: string[]): Promise<CliRun> =>
  runCli(BIN, args, { cwd: dir, env });

const withApp = async <T>(
  use: (t: Awaited<ReturnType<typeof createTestApp>>) => Promise<T>,
): Promise<T> => {
  const t = await createTestApp({ DATABASE_PATH: PATH_KEY });
  try {
    return await use(t);
  } finally {
    await t.close();
  }
};

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: npm run build`);
  server = await startPostgres();
  process.env.OPSGATE_TEST_POSTGRES = server.url();
  dir = mkdtempSync(join(tmpdir(), 'opsgate-cli-pg-'));
  // The database the test apps use for PATH_KEY, with its admin.
  await withApp((t) => login(t.server));
  const { DATABASE_URL } = (await testDatabase(PATH_KEY)).env;
  env = { DATABASE_URL };
});
afterAll(async () => {
  delete process.env.OPSGATE_TEST_POSTGRES;
  if (dir) rmSync(dir, { recursive: true, force: true });
  await server?.stop();
});

describe('the opsgate CLI on PostgreSQL', () => {
  it('migrate finds nothing pending and exits 0', async () => {
    const run = await cli(['migrate']);
    expect(run.code).toBe(0);
  });

  it('create-key prints only a key the server accepts, and list-keys shows it', async () => {
    const run = await cli([
      'create-key',
      '--title',
      'PG deploy',
      '--privileges',
      'run_jobs',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[A-Za-z0-9]{24}\n$/);
    const key = run.stdout.trim();
    const me = await withApp((t) =>
      request(t.server).get('/api/me').set('X-API-Key', key).expect(200),
    );
    expect(me.body).toMatchObject({
      type: 'api_key',
      name: 'PG deploy',
      privileges: ['run_jobs'],
    });
    const list = await cli(['list-keys']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${me.body.id}\tPG deploy\t`);
    expect(list.stdout).not.toContain(key);
  });

  it('reset-password prints a new password that logs in; the old one no longer does', async () => {
    const run = await cli(['reset-password', 'admin']);
    expect(run.code).toBe(0);
    const password = run.stdout.trim();
    expect(run.stdout).toMatch(/^[A-Za-z0-9]{24}\n$/);
    await withApp(async (t) => {
      await login(t.server, 'admin', password);
      await request(t.server)
        .post('/api/sessions')
        .send({ username: 'admin', password: ADMIN_PASSWORD })
        .expect(401);
    });
  });

  it('exits 1 with one line on stderr for a missing user', async () => {
    const run = await cli(['reset-password', 'nobody']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
