import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BASE_ENV, ROOT, progress } from './config';

const run = promisify(execFile);

/** A build of another commit, to measure beside this one. */
export interface Baseline {
  /** As given (`--baseline adb8378`). */
  rev: string;
  /** The full commit id. */
  commit: string;
  /** Its source tree, built: `dist/main.js` runs from here. */
  root: string;
}

/** `--baseline <rev>`, `--baseline=<rev>` or BENCH_BASELINE: the commit to compare with. */
export function baselineArg(argv = process.argv): string | null {
  const at = argv.indexOf('--baseline');
  if (at >= 0) {
    const rev = argv[at + 1];
    if (!rev || rev.startsWith('--')) {
      throw new Error('--baseline needs a commit (e.g. --baseline adb8378)');
    }
    return rev;
  }
  const inline = argv.find((arg) => arg.startsWith('--baseline='));
  if (inline) return inline.slice('--baseline='.length);
  return BASE_ENV.BENCH_BASELINE?.trim() || null;
}

/** Runs a command in `cwd`, its output on the bench's stderr (progress). */
function step(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: BASE_ENV,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** This checkout's node_modules, linked again if the one linked before is gone. */
function linkModules(root: string): void {
  const link = join(root, 'node_modules');
  if (existsSync(join(link, '.bin'))) return;
  rmSync(link, { force: true });
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), link);
}

/**
 * The commit's files (git archive: no worktree left registered) in a
 * directory of the system's temporary folder named after the commit, this
 * repository's node_modules linked in, built with its own `npm run build`.
 * A finished build is kept and reused: the next run with the same commit
 * starts at once. The dependencies are today's: a commit whose
 * package-lock differs is measured with them, and a warning says so.
 */
export async function buildBaseline(rev: string): Promise<Baseline> {
  const { stdout } = await run(
    'git',
    ['rev-parse', '--verify', `${rev}^{commit}`],
    { cwd: ROOT },
  );
  const commit = stdout.trim();
  const root = join(tmpdir(), 'opsgate-bench-baseline', commit);
  const done = join(root, '.bench-built');
  if (existsSync(done)) {
    progress(`baseline ${rev} (${commit.slice(0, 12)}): reusing ${root}`);
    linkModules(root);
    return { rev, commit, root };
  }
  progress(`baseline ${rev} (${commit.slice(0, 12)}): building in ${root}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  await step(
    'sh',
    [
      '-c',
      `git -C "${ROOT}" archive --format=tar ${commit} | tar -x -C "${root}"`,
    ],
    ROOT,
  );
  linkModules(root);
  const lockDiff = await run(
    'git',
    ['diff', '--quiet', commit, '--', 'package-lock.json'],
    { cwd: ROOT },
  ).then(
    () => false,
    () => true,
  );
  if (lockDiff) {
    progress(
      `warning: package-lock.json differs at ${rev}: the baseline runs on today's node_modules`,
    );
  }
  await step('npm', ['run', 'build'], root);
  writeFileSync(done, `${new Date().toISOString()}\n`);
  return { rev, commit, root };
}
