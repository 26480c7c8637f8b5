import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  startProcess,
  type Started,
  waitUntil,
} from './support/processes';

// SPEC §1 and §20, as an operator and a process manager use the project:
// `npm start` builds only when something changed, stops with its server when
// told, and `npx opsgate` runs after every build. In a copy of the
// repository, so this project's own dist/ is left alone.
const ROOT = join(__dirname, '..', '..');
const BUILD_MS = 300_000;

/** The tracked files of the repository, and the installed node_modules, in a temporary folder. */
function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'opsgate-start-'));
  const tracked = execFileSync('git', ['ls-files', '-z'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of tracked) {
    const from = join(ROOT, file);
    if (!statSync(from, { throwIfNoEntry: false })?.isFile()) continue;
    cpSync(from, join(dir, file), { recursive: false });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

async function healthy(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/api/health`);
  return res.status === 200;
}

async function closed(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/api/health`).then(
    () => false,
    () => true,
  );
}

/** `npm start` as a process manager runs it; answers once it serves. */
async function npmStart(dir: string, port: number): Promise<Started> {
  const started = startProcess('npm', ['start'], {
    cwd: dir,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_PATH: join(dir, 'data', 'db.sqlite'),
      ADMIN_PASSWORD: 'start-test-password',
      NO_COLOR: '1',
    },
  });
  await waitUntil('npm start', () => healthy(port), started, BUILD_MS);
  return started;
}

/** Sends `signal` to the npm process itself; resolves with how it ended. */
async function stop(
  started: Started,
  signal: NodeJS.Signals,
): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) =>
    started.child.once('exit', (code) => resolve(code)),
  );
  started.child.kill(signal);
  return exited;
}

/** Processes running in this copy (npm, the server, a build): their working folder is it. */
function processesOf(dir: string): string[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        return realpathSync(`/proc/${pid}/cwd`) === realpathSync(dir);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map((pid) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '),
    );
}

const mtime = (file: string) => statSync(file).mtimeMs;

describe('npm start and the CLI after builds (SPEC §1, §20)', () => {
  let dir: string;

  beforeAll(() => {
    dir = copyProject();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'builds on a fresh copy, then stops with its server on SIGTERM',
    async () => {
      const port = await freePort();
      const started = await npmStart(dir, port);
      expect(started.output()).not.toContain('not building');
      expect(await stop(started, 'SIGTERM')).toBe(0);
      expect(await closed(port)).toBe(true);
      expect(processesOf(dir)).toEqual([]);
    },
    BUILD_MS + 60_000,
  );

  it('does not run the compiler or the bundler when nothing changed, and stops on SIGINT', async () => {
    const built = mtime(join(dir, 'dist', 'main.js'));
    const bundle = mtime(join(dir, 'dist', 'console', 'index.html'));
    // Touched but not changed: content decides, not timestamps.
    const source = join(dir, 'src', 'main.ts');
    writeFileSync(source, readFileSync(source));
    const port = await freePort();
    const started = await npmStart(dir, port);
    expect(started.output()).toContain('not building');
    expect(mtime(join(dir, 'dist', 'main.js'))).toBe(built);
    expect(mtime(join(dir, 'dist', 'console', 'index.html'))).toBe(bundle);
    expect(await stop(started, 'SIGINT')).toBe(0);
    expect(await closed(port)).toBe(true);
    expect(processesOf(dir)).toEqual([]);
  }, 120_000);

  it(
    'builds again when a source changed',
    async () => {
      const built = mtime(join(dir, 'dist', 'main.js'));
      const source = join(dir, 'src', 'main.ts');
      writeFileSync(source, `${readFileSync(source, 'utf8')}\n// changed\n`);
      const port = await freePort();
      const started = await npmStart(dir, port);
      expect(started.output()).not.toContain('not building');
      expect(mtime(join(dir, 'dist', 'main.js'))).toBeGreaterThan(built);
      expect(await stop(started, 'SIGTERM')).toBe(0);
    },
    BUILD_MS + 60_000,
  );

  it(
    'runs `npx opsgate` after `npm run build`, every time',
    () => {
      for (let round = 0; round < 2; round++) {
        execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: 'ignore' });
        const help = execFileSync(
          'npx',
          ['--no-install', 'opsgate', '--help'],
          {
            cwd: dir,
            encoding: 'utf8',
          },
        );
        expect(help).toContain('Usage: opsgate');
      }
    },
    2 * BUILD_MS,
  );
});
