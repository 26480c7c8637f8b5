import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import {
  freePort,
  Started,
  startProcess,
  stopProcess,
  waitUntil,
} from './processes';

export interface RedisServer {
  url: string;
  /** Kills the server (SIGKILL: a crash, not a shutdown). */
  kill: () => Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing answers. */
  pause: () => void;
  /** Lets a paused server go on (SIGCONT). */
  resume: () => void;
  /** Starts it again on the same port, empty. */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
}

/** A throw-away redis-server on 127.0.0.1 and a free port, with no persistence. */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'opsgate-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let started: Started | undefined;
  const start = async () => {
    started = startProcess('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ]);
    await waitUntil(
      'redis-server',
      async () => {
        const client = new Redis(url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        // Refused while the server starts: the poll's answer, not an error to print.
        client.on('error', () => undefined);
        try {
          await client.connect();
          return (await client.ping()) === 'PONG';
        } finally {
          client.disconnect();
        }
      },
      started,
    );
  };
  await start();
  const kill = async () => {
    if (started) await stopProcess(started.child, 'SIGKILL');
  };
  return {
    url,
    kill,
    pause: () => started?.child.kill('SIGSTOP'),
    resume: () => started?.child.kill('SIGCONT'),
    restart: start,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
