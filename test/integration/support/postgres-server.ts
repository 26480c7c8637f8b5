import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  freePort,
  startProcess,
  stopProcess,
  unprivileged,
  waitUntil,
} from './processes';

export interface PostgresServer {
  /** A URL for one database of this server (default: the `postgres` database). */
  url: (database?: string) => string;
  stop: () => Promise<void>;
}

const USER = 'opsgate';

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const dir = join(root, version, 'bin');
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error(
    'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)',
  );
}

/**
 * A throw-away PostgreSQL: initdb in a temp dir as an unprivileged user, on
 * 127.0.0.1 and a free port, its unix socket in the same dir; no durability
 * (fsync off), since the data dies with the test run.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'opsgate-pg-'));
  const user = unprivileged();
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  execFileSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', USER, '--auth=trust', '-E', 'UTF8', '--no-sync'],
    { ...user, stdio: 'pipe' },
  );
  const port = await freePort();
  const started = startProcess(
    join(bin, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ],
    user,
  );
  const url = (database = 'postgres') =>
    `postgres://${USER}@127.0.0.1:${port}/${database}`;
  await waitUntil(
    'PostgreSQL',
    async () => {
      const client = new Client({ connectionString: url() });
      await client.connect();
      await client.end();
      return true;
    },
    started,
  );
  return {
    url,
    stop: async () => {
      // SIGINT: PostgreSQL's fast shutdown (disconnects clients).
      await stopProcess(started.child, 'SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs one statement on a server's `postgres` database. */
export async function adminQuery(
  serverUrl: string,
  sql: string,
): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
