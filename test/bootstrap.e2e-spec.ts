import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfig, logLevelsFrom } from '../src/config/app-config';
import { verifyPassword } from '../src/users/passwords';
import { login } from './helpers/auth';
import { LogCapture, LogEntry } from './helpers/log-capture';
import { expectProblem } from './helpers/problem';
import { ADMIN_PASSWORD, createTestApp, TestApp } from './helpers/test-app';

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  privileges: string;
  active: number;
  created_at: number;
  updated_at: number;
}

const usersOf = (t: TestApp): Promise<UserRow[]> =>
  t.dataSource.query('SELECT * FROM users ORDER BY id');

const GENERATED = /generated password: (\S+)/;

/** The levels the default LOG_LEVEL prints: what a first start shows its operator. */
const PRINTED_BY_DEFAULT = logLevelsFrom(loadConfig({}).logLevel);

const generatedPasswordLines = (logs: LogCapture): LogEntry[] =>
  logs.entries.filter((entry) => GENERATED.test(entry.message));

const occurrences = (text: string, part: string): number =>
  text.split(part).length - 1;

describe('admin bootstrap', () => {
  let dir: string;
  const apps: TestApp[] = [];

  /** An app on a file in this suite's temp folder; closed in afterAll if still open. */
  async function start(env: Record<string, string>): Promise<TestApp> {
    const t = await createTestApp(env);
    apps.push(t);
    return t;
  }
  async function stop(t: TestApp): Promise<void> {
    apps.splice(apps.indexOf(t), 1);
    await t.close();
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsgate-bootstrap-'));
  });
  afterAll(async () => {
    for (const t of apps.splice(0)) await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('on an empty database', () => {
    it('creates the administrator "admin" with privileges ["admin"]', async () => {
      const t = await start({});
      const users = await usersOf(t);
      expect(users).toHaveLength(1);
      expect(users[0].username).toBe('admin');
      const admin = await login(t.server, 'admin', ADMIN_PASSWORD);
      const res = await t
        .http()
        .get('/api/users/admin')
        .set('X-Session-ID', admin.sessionId)
        .expect(200);
      expect(res.body).toMatchObject({
        username: 'admin',
        active: true,
        privileges: ['admin'],
        categories: [],
        groups: [],
      });
      await stop(t);
    });

    it('names the administrator after ADMIN_USERNAME', async () => {
      const t = await start({ ADMIN_USERNAME: 'root.ops' });
      const users = await usersOf(t);
      expect(users.map((user) => user.username)).toEqual(['root.ops']);
      expect(JSON.parse(users[0].privileges)).toEqual(['admin']);
      await login(t.server, 'root.ops', ADMIN_PASSWORD);
      const res = await t
        .http()
        .post('/api/sessions')
        .send({ username: 'admin', password: ADMIN_PASSWORD });
      expectProblem(res, 401, 'login_failed');
      await stop(t);
    });

    it('stores an Argon2id hash with the configured cost that verifies the password and no other', async () => {
      const t = await start({
        PASSWORD_HASH_MEMORY: '20480',
        PASSWORD_HASH_ITERATIONS: '3',
      });
      const [user] = await usersOf(t);
      expect(user.password_hash).toMatch(
        /^\$argon2id\$v=19\$m=20480,t=3,p=1\$[^$]+\$[^$]+$/,
      );
      expect(user.password_hash).not.toContain(ADMIN_PASSWORD);
      await expect(
        verifyPassword(ADMIN_PASSWORD, user.password_hash),
      ).resolves.toBe(true);
      await expect(
        verifyPassword(`${ADMIN_PASSWORD}x`, user.password_hash),
      ).resolves.toBe(false);
      await stop(t);
    });

    it('does not write ADMIN_PASSWORD to the log', async () => {
      const logs = new LogCapture();
      const t = await start({});
      expect(logs.inContext('Bootstrap')).toHaveLength(1);
      expect(logs.text()).not.toContain(ADMIN_PASSWORD);
      expect(generatedPasswordLines(logs)).toEqual([]);
      logs.restore();
      await stop(t);
    });
  });

  describe('on restart with a database file', () => {
    it('neither recreates nor changes the administrator, even with another ADMIN_PASSWORD', async () => {
      const file = join(dir, 'restart.sqlite');
      const first = await start({ DATABASE_PATH: file });
      const before = await usersOf(first);
      expect(before).toHaveLength(1);
      await stop(first);

      const second = await start({
        DATABASE_PATH: file,
        ADMIN_PASSWORD: 'another-password-2',
      });
      expect(await usersOf(second)).toEqual(before);
      await login(second.server, 'admin', ADMIN_PASSWORD);
      const res = await request(second.server)
        .post('/api/sessions')
        .send({ username: 'admin', password: 'another-password-2' });
      expectProblem(res, 401, 'login_failed');
      await stop(second);
    });

    it('creates no administrator when ADMIN_USERNAME changes between starts', async () => {
      const file = join(dir, 'renamed-setting.sqlite');
      await stop(await start({ DATABASE_PATH: file }));
      const second = await start({
        DATABASE_PATH: file,
        ADMIN_USERNAME: 'someone-else',
      });
      const users = await usersOf(second);
      expect(users.map((user) => user.username)).toEqual(['admin']);
      await stop(second);
    });

    it('creates no administrator when the table holds users but none is named ADMIN_USERNAME', async () => {
      const file = join(dir, 'renamed-user.sqlite');
      const first = await start({ DATABASE_PATH: file });
      const admin = await login(first.server);
      await request(first.server)
        .patch('/api/users/admin')
        .set('X-Session-ID', admin.sessionId)
        .send({ username: 'boss' })
        .expect(200);
      await stop(first);

      const second = await start({ DATABASE_PATH: file });
      const users = await usersOf(second);
      expect(users.map((user) => user.username)).toEqual(['boss']);
      await login(second.server, 'boss', ADMIN_PASSWORD);
      await stop(second);
    });
  });

  describe('with ADMIN_PASSWORD unset', () => {
    let password: string;
    let firstLogs: LogCapture;
    let secondLogs: LogCapture;
    let second: TestApp;

    beforeAll(async () => {
      const env = {
        DATABASE_PATH: join(dir, 'generated.sqlite'),
        ADMIN_PASSWORD: '',
      };
      firstLogs = new LogCapture();
      const first = await start(env);
      firstLogs.restore();
      password = GENERATED.exec(firstLogs.text())?.[1] ?? '';
      await stop(first);
      secondLogs = new LogCapture();
      second = await start(env);
      secondLogs.restore();
    });

    it('prints the generated password exactly once, at a level the default LOG_LEVEL shows', () => {
      const lines = generatedPasswordLines(firstLogs);
      expect(lines).toHaveLength(1);
      expect(lines[0].context).toBe('Bootstrap');
      expect(PRINTED_BY_DEFAULT).toContain(lines[0].level);
      expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
      expect(occurrences(firstLogs.text(), password)).toBe(1);
    });

    it('does not print a password, nor create anyone, on the second start', async () => {
      expect(generatedPasswordLines(secondLogs)).toEqual([]);
      expect(secondLogs.inContext('Bootstrap')).toEqual([]);
      expect(secondLogs.text()).not.toContain(password);
      expect(await usersOf(second)).toHaveLength(1);
    });

    it('lets the printed password log in after the restart, and stores only its Argon2id hash', async () => {
      const [user] = await usersOf(second);
      expect(user.password_hash).toMatch(/^\$argon2id\$/);
      expect(user.password_hash).not.toContain(password);
      await expect(verifyPassword(password, user.password_hash)).resolves.toBe(
        true,
      );
      const session = await login(second.server, 'admin', password);
      expect(session.body.user.privileges).toEqual(['admin']);
    });
  });
});
