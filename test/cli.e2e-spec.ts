import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { USER_PASSWORD, createUser, login } from './helpers/auth';
import { enrolTotp, totpAt } from './helpers/mfa';
import { expectProblem } from './helpers/problem';
import { ADMIN_PASSWORD, createTestApp } from './helpers/test-app';
import { describeOnSqlite } from './helpers/test-database';
import { CliRun, runCli } from './helpers/cli-run';

// The built CLI (package.json's bin, compiled here once into a temp
// folder), as a child process on a real database file.
const ROOT = join(__dirname, '..');
const TIMEOUT_MS = 60_000;
const BUILD_TIMEOUT_MS = 180_000;
let bin: string;

function cli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; input?: string },
): Promise<CliRun> {
  return runCli(bin, args, {
    ...options,
    // The build lives outside the project: find its dependencies there.
    env: { NODE_PATH: join(ROOT, 'node_modules'), ...options.env },
    timeoutMs: TIMEOUT_MS - 5_000,
  });
}

async function query<T>(file: string, sql: string): Promise<T[]> {
  const db = new DataSource({ type: 'sqlite', database: file });
  await db.initialize();
  try {
    return await db.query<T[]>(sql);
  } finally {
    await db.destroy();
  }
}

/** Exit 1 and exactly one line on stderr, nothing on stdout. */
function expectFailure(run: CliRun, message: RegExp): void {
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(message);
}

// Real SQLite files: on PostgreSQL, test/integration/cli-postgres.int-spec.ts.
describeOnSqlite('the opsgate CLI', () => {
  let dir: string;
  let file: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsgate-cli-'));
    const out = join(dir, 'dist');
    execFileSync(process.execPath, [
      require.resolve('typescript/bin/tsc'),
      '-p',
      join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      out,
    ]);
    const main = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        bin: Record<string, string>;
      }
    ).bin.opsgate;
    bin = join(out, main.replace(/^(\.\/)?dist\//, ''));
    file = join(dir, 'opsgate.sqlite');
    env = { DATABASE_PATH: file };
    // A database with its administrator and one session, made by the server.
    const t = await createTestApp({ DATABASE_PATH: file });
    await login(t.server);
    await t.close();
  }, BUILD_TIMEOUT_MS);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('usage errors', () => {
    it.each([
      ['no command', [], /no command given/],
      ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
      ['an unknown option', ['list-keys', '--all'], /unknown option '--all'/],
      ['a missing --title', ['create-key'], /--title/],
      ['a missing username', ['reset-password'], /missing required argument/],
    ])(
      'exits 1 with one line on stderr for %s',
      async (_, args, message) => {
        expectFailure(await cli(args, { cwd: dir, env }), message);
      },
      TIMEOUT_MS,
    );
  });

  describe('migrate', () => {
    it(
      'creates and migrates a new database file, and creates no administrator',
      async () => {
        const fresh = join(dir, 'new', 'fresh.sqlite');
        const run = await cli(['migrate'], {
          cwd: dir,
          env: { DATABASE_PATH: fresh },
        });
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/up to date \(\d+ migrations applied\)/);
        const users = await query<{ n: number }>(
          fresh,
          'SELECT COUNT(*) AS n FROM users',
        );
        expect(users[0].n).toBe(0);
        const again = await cli(['migrate'], {
          cwd: dir,
          env: { DATABASE_PATH: fresh },
        });
        expect(again.code).toBe(0);
      },
      TIMEOUT_MS,
    );

    it(
      'exits 1 on a file that is not a database',
      async () => {
        const junk = join(dir, 'junk.sqlite');
        writeFileSync(junk, 'this is not sqlite, just text '.repeat(100));
        expectFailure(
          await cli(['migrate'], { cwd: dir, env: { DATABASE_PATH: junk } }),
          /cannot open the database/,
        );
      },
      TIMEOUT_MS,
    );
  });

  describe('commands on a database that does not exist', () => {
    it.each([
      ['list-keys'],
      ['create-key', '--title', 'x'],
      ['reset-password', 'admin'],
    ])(
      '%s exits 1 without creating a file',
      async (...args) => {
        const missing = join(dir, 'typo', 'missing.sqlite');
        expectFailure(
          await cli(args, { cwd: dir, env: { DATABASE_PATH: missing } }),
          /cannot open the database: no file at/,
        );
        expect(existsSync(missing)).toBe(false);
      },
      TIMEOUT_MS,
    );

    it(
      'exits 1 when DATABASE_PATH is a directory',
      async () => {
        const folder = join(dir, 'a-folder');
        mkdirSync(folder);
        expectFailure(
          await cli(['list-keys'], {
            cwd: dir,
            env: { DATABASE_PATH: folder },
          }),
          /cannot open the database/,
        );
      },
      TIMEOUT_MS,
    );
  });

  describe('create-key and list-keys', () => {
    it(
      'prints only the new key, which the server then accepts with its privileges',
      async () => {
        const run = await cli(
          [
            'create-key',
            '--title',
            'CI deploy',
            '--privileges',
            'run_jobs, create_events',
            '--expires-at',
            '2099-01-01T00:00:00Z',
          ],
          { cwd: dir, env },
        );
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/^[A-Za-z0-9]{24}\n$/);
        const key = run.stdout.trim();

        const t = await createTestApp({ DATABASE_PATH: file });
        const me = await request(t.server)
          .get('/api/me')
          .set('X-API-Key', key)
          .expect(200);
        expect(me.body).toMatchObject({
          type: 'api_key',
          name: 'CI deploy',
          privileges: ['create_events', 'run_jobs'],
          expires_at: '2099-01-01T00:00:00.000Z',
        });
        const admin = await login(t.server);
        const record = await request(t.server)
          .get(`/api/keys/${me.body.id}`)
          .set('X-Session-ID', admin.sessionId)
          .expect(200);
        // SPEC §20: cli:<operating-system user>, which no username can be.
        expect(record.body.created_by).toBe(`cli:${userInfo().username}`);
        await t.close();

        const list = await cli(['list-keys'], { cwd: dir, env });
        expect(list.code).toBe(0);
        const rows = list.stdout
          .trimEnd()
          .split('\n')
          .map((line) => line.split('\t'));
        expect(rows[0]).toEqual([
          'id',
          'title',
          'mask',
          'active',
          'privileges',
          'expires_at',
          'last_used_at',
        ]);
        const row = rows.find((r) => r[0] === me.body.id);
        expect(row).toEqual([
          me.body.id,
          'CI deploy',
          `${key.slice(0, 4)}********${key.slice(-4)}`,
          'true',
          'run_jobs,create_events',
          '2099-01-01T00:00:00.000Z',
          expect.stringMatching(/^\d{4}-/),
        ]);
        expect(list.stdout).not.toContain(key);
      },
      TIMEOUT_MS,
    );

    it.each([
      [
        'an unknown privilege',
        ['--privileges', 'run_jobs,fly'],
        /unknown privileges: "fly"/,
      ],
      [
        'an expiry in the past',
        ['--expires-at', '2001-01-01T00:00:00Z'],
        /expires_at/,
      ],
      ['a malformed expiry', ['--expires-at', 'tomorrow'], /expires_at/],
      ['a title with <>', ['--title', '<b>'], /title/],
    ])(
      'exits 1 for %s and creates nothing',
      async (_, extra, message) => {
        const before = await query<{ n: number }>(
          file,
          'SELECT COUNT(*) AS n FROM api_keys',
        );
        expectFailure(
          await cli(['create-key', '--title', 'bad', ...extra], {
            cwd: dir,
            env,
          }),
          message,
        );
        const after = await query<{ n: number }>(
          file,
          'SELECT COUNT(*) AS n FROM api_keys',
        );
        expect(after[0].n).toBe(before[0].n);
      },
      TIMEOUT_MS,
    );
  });

  describe('reset-password', () => {
    it(
      'prints a new random password once, which logs in; the old one and its sessions end',
      async () => {
        const t0 = await createTestApp({ DATABASE_PATH: file });
        const before = await login(t0.server, 'admin', ADMIN_PASSWORD);
        await t0.close();

        const run = await cli(['reset-password', 'admin'], { cwd: dir, env });
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/^[A-Za-z0-9]{24}\n$/);
        const password = run.stdout.trim();

        const t = await createTestApp({ DATABASE_PATH: file });
        const old = await request(t.server)
          .get('/api/me')
          .set('X-Session-ID', before.sessionId);
        expect(old.status).toBe(401);
        expectProblem(
          await request(t.server)
            .post('/api/sessions')
            .send({ username: 'admin', password: ADMIN_PASSWORD }),
          401,
          'login_failed',
        );
        await login(t.server, 'admin', password);
        await t.close();
        // Audited like the API's change, with the CLI as the actor.
        const entries = await query<{ actor: string; details: string }>(
          file,
          "SELECT actor, details FROM audit_log WHERE action = 'user.update'",
        );
        // And as a password change of its own (SPEC §16).
        const changes = await query<{ actor: string; target_id: string }>(
          file,
          "SELECT actor, target_id FROM audit_log WHERE action = 'user.password_change'",
        );
        expect(changes).toContainEqual({
          actor: `cli:${userInfo().username}`,
          target_id: 'admin',
        });
        expect(entries.map((entry) => entry.actor)).toContain(
          `cli:${userInfo().username}`,
        );
        expect(entries.map((entry) => entry.details).join()).not.toContain(
          password,
        );
      },
      TIMEOUT_MS,
    );

    it(
      "ends the user's sign-ins waiting for a second factor",
      async () => {
        // A database of its own: the tests before changed the admin's password.
        const own = join(dir, 'mfa.sqlite');
        const t0 = await createTestApp({ DATABASE_PATH: own });
        const admin = await login(t0.server, 'admin', ADMIN_PASSWORD);
        await createUser(t0.server, admin, { username: 'tess' });
        const { secret } = await enrolTotp(
          t0,
          await login(t0.server, 'tess', USER_PASSWORD),
        );
        const pending = await request(t0.server)
          .post('/api/sessions')
          .send({ username: 'tess', password: USER_PASSWORD })
          .expect(200);
        await t0.close();

        const run = await cli(['reset-password', 'tess'], {
          cwd: dir,
          env: { DATABASE_PATH: own },
        });
        expect(run.code).toBe(0);

        const t = await createTestApp({ DATABASE_PATH: own }, t0.clock);
        try {
          const res = await request(t.server)
            .post('/api/sessions/mfa')
            .send({
              mfa_token: pending.body.mfa_token,
              code: totpAt(secret, t.clock.now()),
            });
          expectProblem(res, 401, 'mfa_failed');
        } finally {
          await t.close();
        }
      },
      TIMEOUT_MS,
    );

    it(
      '--stdin takes the first line without its newline and prints nothing on stdout',
      async () => {
        const chosen = 'chosen pass phrase 1';
        const run = await cli(['reset-password', 'ADMIN', '--stdin'], {
          cwd: dir,
          env,
          input: `${chosen}\r\nsecond line\n`,
        });
        expect(run.code).toBe(0);
        expect(run.stdout).toBe('');
        expect(run.stderr).not.toContain(chosen);
        const t = await createTestApp({ DATABASE_PATH: file });
        await login(t.server, 'admin', chosen);
        await t.close();
      },
      TIMEOUT_MS,
    );

    it.each([
      ['too short', 'short'],
      ['too long', 'x'.repeat(257)],
      ['empty', ''],
      ['among the most common', 'password1'],
      ['containing the username', 'not-the-ADMIN-pass'],
    ])(
      '--stdin refuses a password %s, as the API does',
      async (_, input) => {
        expectFailure(
          await cli(['reset-password', 'admin', '--stdin'], {
            cwd: dir,
            env,
            input: `${input}\n`,
          }),
          /password/,
        );
      },
      TIMEOUT_MS,
    );

    it(
      'exits 1 for a user that does not exist',
      async () => {
        expectFailure(
          await cli(['reset-password', 'nobody'], { cwd: dir, env }),
          /No user named "nobody"/,
        );
      },
      TIMEOUT_MS,
    );
  });

  describe('.env in the working directory', () => {
    it(
      'is read, and the environment wins over it',
      async () => {
        const work = join(dir, 'with-dotenv');
        mkdirSync(work);
        const fromFile = join(work, 'from-file.sqlite');
        const fromEnv = join(work, 'from-env.sqlite');
        writeFileSync(
          join(work, '.env'),
          `DATABASE_PATH=${fromFile}\nAPI_KEY_LENGTH=32\n`,
        );

        expect((await cli(['migrate'], { cwd: work })).code).toBe(0);
        expect(existsSync(fromFile)).toBe(true);
        const key = await cli(['create-key', '--title', 'len'], { cwd: work });
        expect(key.stdout.trim()).toHaveLength(32);

        expect(
          (
            await cli(['migrate'], {
              cwd: work,
              env: { DATABASE_PATH: fromEnv },
            })
          ).code,
        ).toBe(0);
        expect(existsSync(fromEnv)).toBe(true);
      },
      TIMEOUT_MS,
    );
  });
});
