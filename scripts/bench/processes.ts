import { ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { ADMIN_PASSWORD, ADMIN_USERNAME, BASE_ENV, ROOT } from './config';

/** A child process the bench started and must stop. */
export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  port: number;
  logPath: string;
  /** The environment it was started with. */
  env: NodeJS.ProcessEnv;
  exited: Promise<void>;
  /** Milliseconds from spawn to the first 200 on the readiness path. */
  startupMs: number;
}

const running = new Set<Child>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function answers200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

interface SpawnOptions {
  name: string;
  /** The program to run; node itself unless told (e.g. valgrind, which then runs node). */
  command?: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  readyPath: string;
  logDir: string;
  timeoutMs?: number;
  /** The working directory (the repository root unless told: a baseline's tree). */
  cwd?: string;
}

/** Spawns `<command> <args>` (node by default) and waits for `readyPath` to answer 200, timing it. */
async function spawnAndWait(options: SpawnOptions): Promise<Child> {
  const logPath = join(options.logDir, `${options.name}.log`);
  // The child writes its log file itself: no pipe through the bench's own
  // event loop, which also runs the load generator.
  const log = openSync(logPath, 'a');
  const started = performance.now();
  const child = spawn(options.command ?? process.execPath, options.args, {
    cwd: options.cwd ?? ROOT,
    env: options.env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let gone = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      gone = true;
      resolve();
    }),
  );
  if (child.pid === undefined) throw new Error(`${options.name}: spawn failed`);
  const entry: Child = {
    name: options.name,
    process: child,
    pid: child.pid,
    port: 0,
    logPath,
    env: options.env,
    exited,
    startupMs: NaN,
  };
  running.add(entry);
  void exited.then(() => running.delete(entry));
  const deadline = started + (options.timeoutMs ?? 60_000);
  for (;;) {
    // PORT=0: the child picks its own port, read from its listening
    // sockets. A port chosen here and passed down could be taken by
    // another process on this shared machine while a server starts under
    // valgrind for a minute, and its answer taken for this one's.
    for (const port of listeningPorts(entry.pid)) {
      if (await answers200(`http://127.0.0.1:${port}${options.readyPath}`)) {
        entry.port = port;
        entry.startupMs = performance.now() - started;
        return entry;
      }
    }
    if (gone) {
      throw new Error(`${options.name} exited during start-up; see ${logPath}`);
    }
    if (performance.now() > deadline) {
      throw new Error(
        `${options.name} did not answer ${options.readyPath}; see ${logPath}`,
      );
    }
    await sleep(20);
  }
}

/** The TCP ports a process listens on: its socket descriptors matched against /proc/net/tcp{,6}. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(
          readlinkSync(`/proc/${pid}/fd/${fd}`),
        );
        if (match) inodes.add(match[1]);
      } catch {
        // The descriptor closed between the listing and the read.
      }
    }
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local address, state 0A (LISTEN), inode: fields 1, 3 and 9.
      if (fields[3] !== '0A' || !inodes.has(fields[9])) continue;
      ports.push(parseInt(fields[1].split(':')[1], 16));
    }
  }
  return ports;
}

export interface ServerOptions {
  /** Names the log file; `server` unless told. */
  name?: string;
  /** Node options before `dist/main.js` (V8 flags, `-r`). */
  nodeArgs?: string[];
  /** Runs node under another program: `[command, ...args]`, node's path and arguments follow. */
  wrapper?: string[];
  /** Added to (or overriding) the server's environment. */
  env?: NodeJS.ProcessEnv;
  /** How long start-up may take (default 60 s). */
  timeoutMs?: number;
  /** The tree whose `dist/main.js` runs: this repository unless told (a baseline build). */
  root?: string;
}

/** The built server (`node dist/main.js`) on a database file. */
export async function startServer(
  databasePath: string,
  logDir: string,
  options: ServerOptions = {},
): Promise<Child> {
  const nodeArgs = [...(options.nodeArgs ?? []), 'dist/main.js'];
  const [wrapper, ...wrapperArgs] = options.wrapper ?? [];
  return spawnAndWait({
    name: options.name ?? 'server',
    command: wrapper,
    args: wrapper ? [...wrapperArgs, process.execPath, ...nodeArgs] : nodeArgs,
    env: {
      ...BASE_ENV,
      DATABASE_PATH: databasePath,
      HOST: '127.0.0.1',
      PORT: '0',
      ADMIN_USERNAME,
      ADMIN_PASSWORD,
      // As in production: an access line per request (JSON) and metrics on
      // their own listener, so their per-request cost is measured.
      LOG_LEVEL: 'log',
      LOG_FORMAT: 'json',
      METRICS_PORT: '0',
      NO_COLOR: '1',
      // Rows 4 and flood name their client IP in X-Forwarded-For.
      TRUST_PROXY: 'loopback',
      ...options.env,
    },
    readyPath: '/api/health',
    logDir,
    timeoutMs: options.timeoutMs,
    cwd: options.root,
  });
}

/**
 * The floor: a bare node:http server answering what /api/health/live
 * answers, with `headers` (the app's own response headers, read from one
 * response of it) and a fresh X-Request-Id each time.
 */
export async function startBareServer(
  logDir: string,
  headers: Record<string, string>,
): Promise<Child> {
  return spawnAndWait({
    name: 'bare-http',
    // ts-node only compiles the file at start; the request path is plain node:http.
    args: [
      '-r',
      'ts-node/register/transpile-only',
      join(__dirname, 'bare-server.ts'),
    ],
    env: {
      ...BASE_ENV,
      PORT: '0',
      HOST: '127.0.0.1',
      BARE_HEADERS: JSON.stringify(headers),
    },
    readyPath: '/api/health/live',
    logDir,
  });
}

/** SIGTERM (graceful: the server flushes and closes its database), SIGKILL after a while. */
export async function stop(child: Child, graceMs = 10_000): Promise<void> {
  if (!running.has(child)) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Last resort on error or Ctrl-C: every child the bench started, by its own pid. */
export function killAll(): void {
  for (const child of running) child.process.kill('SIGKILL');
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stop(child, 5_000)));
}
