import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import Redis, { type RedisOptions } from 'ioredis';
import { Change, ChangeBus } from '../bus/change-bus';

/** The pub/sub channel every instance's changes travel on. */
export const CHANGES_CHANNEL = 'opsgate:changes';

/** A request never waits longer than this for Redis (SPEC §14: at most 1 s). */
export const COMMAND_TIMEOUT_MS = 500;

/** Changes made while the channel is down, sent once it is back (beyond: "drop everything"). */
const MAX_PENDING = 1000;

interface Envelope {
  from: string;
  change: Change;
}

const OPTIONS: RedisOptions = {
  lazyConnect: true,
  // Down means "answer now, locally": no command waits in a queue for a
  // reconnection, none is retried, and a stalled server times out.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: COMMAND_TIMEOUT_MS,
  connectTimeout: 1000,
  // Reconnect at most 1 s apart, forever: back well within SPEC §14's 5 s.
  retryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
  // Resubscribing is done here, so "up" is only announced once it is done.
  autoResubscribe: false,
  // Commands issued in one tick (concurrent requests' limit checks) go out
  // in one write: fewer syscalls per request.
  enableAutoPipelining: true,
};

/**
 * The connection to Redis: one client for commands, one for the change
 * channel. It is up when both are ready and subscribed; each transition is
 * logged once and tells ChangeBus whether caches can be trusted.
 * Changes made here are published with this instance's id, so its own echo
 * is ignored.
 */
export class RedisLink implements OnModuleInit, OnApplicationShutdown {
  readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly id = randomBytes(8).toString('hex');
  private readonly logger = new Logger('Redis');
  private commandsReady = false;
  private subscribed = false;
  /** What was last logged, so each loss and return is logged once. */
  private reported: 'up' | 'down' | undefined;
  private pending: Change[] = [];
  private overflowed = false;
  private closing = false;
  private whenUp: (() => void) | undefined;
  /** Publishes not yet answered: shutdown waits for them (a CLI's change). */
  private readonly sending = new Set<Promise<unknown>>();

  constructor(
    private readonly url: string,
    private readonly changes: ChangeBus,
  ) {
    this.commands = new Redis(url, OPTIONS);
    this.subscriber = new Redis(url, OPTIONS);
    changes.setChannelUp(false);
    changes.connect((change) => this.send(change));
    this.watch();
  }

  /** Whether commands can be sent now (else: answer locally). */
  get ready(): boolean {
    return this.commandsReady;
  }

  /**
   * A command timed out: Redis is stalled (or the network is), not gone, so
   * no 'close' comes. Treat it as down now, so the next calls answer locally
   * instead of each waiting out its timeout (a login makes several), and
   * reconnect: 'ready' brings it back once Redis answers again.
   */
  stalled(): void {
    if (!this.commandsReady) return;
    this.set(() => (this.commandsReady = false));
    this.commands.disconnect(true);
    this.subscriber.disconnect(true);
  }

  /** Both connections ready and the channel subscribed: limits and caches are shared. */
  get up(): boolean {
    return this.commandsReady && this.subscribed;
  }

  /** Whether Redis answers now (health, metrics): false when down or slower than the timeout. */
  async ping(): Promise<boolean> {
    if (!this.up) return false;
    return this.commands.ping().then(
      (answer) => answer === 'PONG',
      () => {
        this.stalled();
        return false;
      },
    );
  }

  /** Redis's name in logs: host and port, never a password. */
  get where(): string {
    const { hostname, port } = new URL(this.url);
    return `${hostname}:${port || 6379}`;
  }

  /** Starts connecting; waits up to 2 s for the channel to be up, then serves either way. */
  async onModuleInit(): Promise<void> {
    const up = new Promise<void>((resolve) => (this.whenUp = resolve));
    this.commands.connect().catch(() => undefined);
    this.subscriber.connect().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise(
      (resolve) => (timer = setTimeout(resolve, 2000)),
    );
    await Promise.race([up, timeout]);
    clearTimeout(timer);
    this.whenUp = undefined;
    if (!this.up) this.report();
  }

  /** Sends what is queued (a CLI's last change) before closing. */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await Promise.all(this.sending);
    await Promise.all(
      [this.commands, this.subscriber].map(async (client) => {
        // A client between reconnections has no socket to wait for.
        if (client.status !== 'ready') return client.disconnect();
        await client.quit().catch(() => client.disconnect());
      }),
    );
  }

  private watch(): void {
    // Errors show as 'close' and a reconnection; listening keeps ioredis quiet.
    for (const client of [this.commands, this.subscriber]) {
      client.on('error', () => undefined);
    }
    this.commands.on('ready', () =>
      this.set(() => (this.commandsReady = true)),
    );
    this.commands.on('close', () =>
      this.set(() => (this.commandsReady = false)),
    );
    this.subscriber.on('ready', () => void this.subscribe());
    this.subscriber.on('close', () =>
      this.set(() => (this.subscribed = false)),
    );
    this.subscriber.on('message', (_channel: string, message: string) =>
      this.receive(message),
    );
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(CHANGES_CHANNEL);
      this.set(() => (this.subscribed = true));
    } catch {
      // The connection dropped again: 'ready' comes back with it.
    }
  }

  private set(update: () => void): void {
    const wasUp = this.up;
    update();
    if (this.up === wasUp) return;
    this.changes.setChannelUp(this.up);
    if (this.up) this.flushPending();
    if (this.up) this.whenUp?.();
    if (!this.closing) this.report();
  }

  private report(): void {
    const state = this.up ? 'up' : 'down';
    if (state === this.reported) return;
    // The first "up" at start-up is not news; a start without Redis is.
    if (state === 'up' && this.reported !== undefined) {
      this.logger.log(
        `Redis at ${this.where} is back: rate limits, lockouts and cache invalidation are shared again.`,
      );
    } else if (state === 'down') {
      this.logger.warn(
        `Redis at ${this.where} is unreachable: every credential is verified against the database and rate limits are enforced per instance until it is back.`,
      );
    }
    this.reported = state;
  }

  private send(change: Change): void {
    if (!this.up) return this.keep(change);
    const envelope: Envelope = { from: this.id, change };
    const sent = this.commands
      .publish(CHANGES_CHANNEL, JSON.stringify(envelope))
      .catch(() => this.keep(change))
      .finally(() => this.sending.delete(sent));
    this.sending.add(sent);
  }

  /** Kept for when the channel is back: other instances may still trust their caches. */
  private keep(change: Change): void {
    if (this.pending.length < MAX_PENDING) this.pending.push(change);
    else this.overflowed = true;
  }

  private flushPending(): void {
    const pending = this.overflowed ? [{ kind: 'all' } as const] : this.pending;
    this.pending = [];
    this.overflowed = false;
    for (const change of pending) this.send(change);
  }

  /**
   * A message of another instance. One that cannot be read (another
   * version, a stray publisher) still says something changed: everything
   * cached is dropped rather than trusted.
   */
  private receive(message: string): void {
    let envelope: Envelope | undefined;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      // Handled below as unreadable.
    }
    if (envelope?.from === this.id) return;
    try {
      if (typeof envelope?.change?.kind !== 'string') throw new Error();
      this.changes.deliver(envelope.change);
    } catch {
      this.changes.deliver({ kind: 'all' });
    }
  }
}
