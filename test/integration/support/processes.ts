import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';

export { freePort } from '../../helpers/free-port';

/** Root may not run PostgreSQL: the unprivileged user to run it as, when we are root. */
export function unprivileged(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Spawns a server, keeping its output for the error message if it never gets ready. */
export function startProcess(
  command: string,
  args: string[],
  options: {
    uid?: number;
    gid?: number;
    cwd?: string;
    env?: NodeJS.ProcessEnv;
  } = {},
): Started {
  let output = '';
  const child = spawn(command, args, {
    ...options,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Polls `ready` until it resolves true; fails (never skips) after `ms`. */
export async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  started: Started,
  ms = 30_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) {
      throw new Error(`${what} exited: ${started.output()}`);
    }
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not become ready: ${started.output()}`);
}

export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
