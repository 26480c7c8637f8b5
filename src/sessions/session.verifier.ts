import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Principal } from '../access/principal';
import { AppError } from '../http/app-error';
import { Clock } from '../time/clock';
import { CredentialCache, type Gate } from '../cache/credential-cache';
import { ChangeBus } from '../bus/change-bus';
import {
  andThen,
  type MaybePromise,
  refuse,
} from '../concurrency/maybe-promise';
import { csrfTokenFor, safeEqual, sha256Hex } from '../secrets/secrets';
import { APP_CONFIG, AppConfig, cacheOptions } from '../config/app-config';
import { ActivityRecorder } from '../database/activity-recorder';
import { WriteLock } from '../database/write-lock';
import { Session } from './session.entity';
import { userPrincipal } from './user-principal';
import { User } from '../users/user.entity';
import type { RequestAuth } from '../access/request-auth';

export const accountDisabled = (username: string) =>
  AppError.unauthorized('account_disabled', `User "${username}" is disabled.`);

/** An unknown session's refusal names no one: one instance serves them all (see api-key.verifier.ts). */
const UNKNOWN_SESSION = AppError.unauthorized(
  'invalid_session',
  'The session is not valid.',
);

/** A session as verified and cached; `lastSeen` moves with every request. */
export interface VerifiedSession {
  session: Session;
  userId: number;
  active: boolean;
  principal: Principal;
  /** The newest activity known: kept here so the idle check needs no database. */
  lastSeen: number;
  /** Derived from the token on first use (an HMAC): once per cached session, not per request. */
  csrfToken?: string;
}

/**
 * Turns a session ID into a Principal. The idle timeout and the absolute
 * lifetime are checked against the clock on every request; activity is kept in
 * memory at once and written in batches.
 */
@Injectable()
export class SessionVerifier implements OnApplicationShutdown {
  private readonly cache: CredentialCache<VerifiedSession>;
  readonly activity: ActivityRecorder<Session>;
  private readonly idleMs: number;
  private readonly maxAgeMs: number;

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
    lock: WriteLock,
    changes: ChangeBus,
  ) {
    this.cache = new CredentialCache(
      cacheOptions(config),
      () => changes.trusted,
    );
    changes.subscribe((change) => {
      if (change.kind === 'all') this.cache.clear();
      if (change.kind === 'user') this.invalidateUser(change.userId);
      if (change.kind === 'session') this.invalidateSession(change.id);
      if (change.kind === 'role') {
        this.cache.invalidate((entry) =>
          entry.principal.roles.includes(change.id),
        );
      }
    });
    this.activity = new ActivityRecorder(
      lock,
      Session,
      'lastSeenAt',
      config.activityFlushInterval * 1000,
    );
    this.idleMs = config.sessionIdleTimeout * 1000;
    this.maxAgeMs = config.sessionMaxAge * 1000;
  }

  /** Lookups and cache hits so far (the hit-ratio metric). */
  get cacheStats(): Readonly<{ lookups: number; hits: number }> {
    return this.cache.stats;
  }

  /** Synchronous when the session is cached; idle timeout and max age are checked either way. */
  verify(token: string, gate?: Gate): MaybePromise<VerifiedSession> {
    const now = this.clock.now();
    const digest = sha256Hex(token);
    const found = this.cache.lookup(digest, now, () => this.load(digest), gate);
    return andThen(found, (verified) =>
      verified ? this.admit(verified, now) : refuse(UNKNOWN_SESSION),
    ) as MaybePromise<VerifiedSession>;
  }

  private admit(found: VerifiedSession, now: number): VerifiedSession {
    // A session that exists is refused on the record (SPEC §13); an unknown one is not.
    const subject = {
      actor: found.principal.id,
      targetType: 'user' as const,
      targetId: found.principal.id,
    };
    if (!found.active) throw accountDisabled(found.principal.id).about(subject);
    if (now >= this.expiry(found)) {
      throw AppError.unauthorized(
        'session_expired',
        'The session has expired.',
      ).about(subject);
    }
    found.lastSeen = now;
    this.activity.touch(found.session.id, now);
    return found;
  }

  /** The CSRF token of a verified session; `token` is the session token it was verified with. */
  csrfToken(found: VerifiedSession, token: string): string {
    found.csrfToken ??= csrfTokenFor(token);
    return found.csrfToken;
  }

  checkCsrf(found: VerifiedSession, token: unknown): void {
    if (
      typeof token !== 'string' ||
      !safeEqual(sha256Hex(token), found.session.csrfHash)
    ) {
      throw new AppError(
        403,
        'csrf_failed',
        'A cookie session needs the X-CSRF-Token header on this method.',
      );
    }
  }

  /** The session's newest activity: its record's, or a newer one not written yet. */
  lastSeen(session: Session): number {
    return Math.max(
      session.lastSeenAt.getTime(),
      this.activity.unwritten(session.id) ?? 0,
    );
  }

  /** When the session ends if nothing else happens: idle timeout or max age, whichever is first. */
  expiry(found: Pick<VerifiedSession, 'session' | 'lastSeen'>): number {
    return Math.min(
      found.lastSeen + this.idleMs,
      found.session.createdAt.getTime() + this.maxAgeMs,
    );
  }

  private invalidateUser(userId: number): void {
    this.cache.invalidate((entry) => entry.userId === userId);
  }

  private invalidateSession(sessionId: string): void {
    this.cache.invalidate((entry) => entry.session.id === sessionId);
    this.activity.forget(sessionId);
  }

  onApplicationShutdown(): Promise<void> {
    return this.activity.stop();
  }

  /** A query builder, as ApiKeyVerifier.load says why: a flood of guesses is a flood of lookups. */
  private async load(digest: string): Promise<VerifiedSession | null> {
    const session = await this.sessions
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.user', 'user')
      .where('s.tokenHash = :digest', { digest })
      .getOne();
    const user = session?.user;
    if (!session || !user) return null;
    return {
      session,
      userId: user.id,
      active: user.active,
      principal: await userPrincipal(this.sessions.manager, user),
      lastSeen: this.lastSeen(session),
    };
  }

  /**
   * The caller a user is on a valid session, and the refusal such a session
   * would get now (a disabled user): for explaining another caller (SPEC
   * §19). Null when no user has that name.
   */
  async explain(
    username: string,
  ): Promise<{ auth: RequestAuth; refusal: AppError | null } | null> {
    const user = await this.sessions.manager.findOneBy(User, {
      usernameKey: username.toLowerCase(),
    });
    if (!user) return null;
    const principal = await userPrincipal(this.sessions.manager, user);
    const refusal = user.active ? null : accountDisabled(user.username);
    return { auth: { principal, userId: user.id }, refusal };
  }
}
