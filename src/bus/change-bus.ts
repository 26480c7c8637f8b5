import { Injectable } from '@nestjs/common';

/**
 * Something that changes what a cached credential (or other cached data) may
 * do, or whether it still works. Plain JSON: it travels between instances.
 */
export type Change =
  | {
      kind: 'api_key';
      id: string;
      /** Digests that may no longer be unknown. */ digests: string[];
    }
  /**
   * `endSessions`: the user's sessions and sign-ins under way end (a new
   * password, deletion, re-enabling), all but `keepSession` (the record id
   * of the session that changed its own password).
   */
  | {
      kind: 'user';
      userId: number;
      endSessions?: boolean;
      keepSession?: string;
    }
  | { kind: 'session'; id: string }
  | { kind: 'role'; id: string }
  /**
   * Credentials that became live or stopped being so, as fingerprints
   * (cache/digest-index.ts): the failed-authentication gate lets live ones
   * through without a lookup (SPEC §7).
   */
  | { kind: 'live'; added?: number[]; removed?: number[] }
  /** A record of this resource (`events`, `categories`…) was created, edited or deleted. */
  | { kind: 'records'; resource: string }
  /** Anything may have changed (changes from other instances were missed): drop every cached copy. */
  | { kind: 'all' };

export type ChangeListener = (change: Change) => void;

/** Work a change made on this instance asks of a feature (ending sessions); awaited by `announce`. */
export type ChangeHandler = (change: Change) => Promise<void> | void;

/** Carries this instance's changes to the other instances (Redis pub/sub). */
export type ChangeTransport = (change: Change) => void;

/**
 * The one way a change reaches the caches: services publish, caches listen.
 * Listeners run synchronously, so a change shows on the very next request of
 * this instance; a transport, when connected, carries it to the other
 * instances, which `deliver` it to their listeners. While that channel is
 * down, `trusted` is false: a cache must then read from the database, as it
 * cannot know what other instances changed.
 */
@Injectable()
export class ChangeBus {
  private readonly listeners: ChangeListener[] = [];
  private readonly handlers: ChangeHandler[] = [];
  private transport: ChangeTransport | undefined;
  private channelUp = true;

  subscribe(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Registers work to do when this instance announces a change (not for changes of other instances). */
  handle(handler: ChangeHandler): void {
    this.handlers.push(handler);
  }

  /**
   * A feature tells the others what it changed, without calling them
   * (immich's `AuthChangePassword` event): their handlers run and are awaited
   * first, so that what they write is committed before any cache, here or on
   * another instance, is told to read again.
   */
  async announce(change: Change): Promise<void> {
    for (const handler of this.handlers) await handler(change);
    this.publish(change);
  }

  publish(change: Change): void {
    this.deliver(change);
    this.transport?.(change);
  }

  /** A change made here or received from another instance. */
  deliver(change: Change): void {
    for (const listener of this.listeners) listener(change);
  }

  /** Whether every change made anywhere reaches this instance, so cached copies can be used. */
  get trusted(): boolean {
    return this.channelUp;
  }

  connect(transport: ChangeTransport): void {
    this.transport = transport;
  }

  /**
   * The shared channel went down or came back. Either way what is cached may
   * have missed changes, so everything is dropped.
   */
  setChannelUp(up: boolean): void {
    if (up === this.channelUp) return;
    this.channelUp = up;
    this.deliver({ kind: 'all' });
  }
}
