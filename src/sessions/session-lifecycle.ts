import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import type { RequestAuth } from '../access/request-auth';
import { AppError } from '../http/app-error';
import type { AuditDetails } from '../audit/audit-entry.entity';
import { AuditLog } from '../audit/audit-log';
import { fingerprint } from '../cache/digest-index';
import { ChangeBus } from '../bus/change-bus';
import { WriteLock } from '../database/write-lock';
import {
  csrfTokenFor,
  newId,
  newToken,
  randomString,
  sha256Hex,
} from '../secrets/secrets';
import { Clock } from '../time/clock';
import type { UserView } from '../users/user.dto';
import type { User } from '../users/user.entity';
import { userView } from '../users/user.view';
import { Session, type Aal, type SignInMethod } from './session.entity';
import type { SignInClient } from './session-cookie';
import { SessionVerifier } from './session.verifier';

export interface LoginResult {
  session_id: string;
  csrf_token: string;
  expires_at: string;
  user: UserView;
}

/** How a session is being signed in: what startSession records with it. */
export interface SignIn extends SignInClient {
  method: SignInMethod;
  aal: Aal;
}

/**
 * A session's public id (SPEC §16): 22 characters, about 131 random bits of
 * its own, so it reveals nothing of the secret and cannot be guessed.
 */
const newHandle = () => randomString(22);

/** A new session's record: digests of its secrets only, never the secrets. */
const sessionRecord = (
  user: User,
  signIn: SignIn,
  secrets: { token: string; csrf: string },
  now: number,
): Session => ({
  id: newId(),
  handle: newHandle(),
  tokenHash: sha256Hex(secrets.token),
  csrfHash: sha256Hex(secrets.csrf),
  userId: user.id,
  createdAt: new Date(now),
  lastSeenAt: new Date(now),
  ip: signIn.ip,
  userAgent: signIn.userAgent,
  method: signIn.method,
  aal: signIn.aal,
  steppedUpAt: signIn.aal === 2 ? new Date(now) : null,
});

/**
 * Where a session's record is written: it begins, it steps up, it is signed
 * out, and it ends with its user. Every way of signing in (password, single sign-on, second
 * factor, passkey) starts its session here, so all are made alike.
 */
@Injectable()
export class SessionLifecycle {
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly verifier: SessionVerifier,
    private readonly clock: Clock,
    private readonly lock: WriteLock,
    private readonly changes: ChangeBus,
    private readonly audit: AuditLog,
  ) {
    // Users announce a new password, a deletion or a re-enabling; the sessions end here.
    changes.handle(async (change) => {
      if (change.kind !== 'user' || !change.endSessions) return;
      const { userId, keepSession } = change;
      await this.lock.exclusive(() =>
        this.sessions.delete(
          keepSession === undefined
            ? { userId }
            : { userId, id: Not(keepSession) },
        ),
      );
    });
  }

  /**
   * The one way a session begins (SPEC §17, §18 "exactly like a password
   * login"). The caller has checked `user` may sign in (active, credentials
   * right). Returns the login's 201 body; the controller then sets the
   * cookie (session-cookie.ts). Audited `session.login` with
   * `details.method`. Always a brand-new session: an ID sent along with the
   * sign-in is never reused.
   */
  async startSession(
    user: User,
    signIn: SignIn,
    context: AuditContext,
  ): Promise<LoginResult> {
    const now = this.clock.now();
    const token = newToken();
    const csrf = csrfTokenFor(token);
    const session = this.sessions.create(
      sessionRecord(user, signIn, { token, csrf }, now),
    );
    await this.lock.transaction(async (manager) => {
      await manager.insert(Session, session);
      await this.audit.record(manager, context, {
        action: 'session.login',
        actor: user.username,
        targetType: 'user',
        targetId: user.username,
        details: { method: signIn.method },
      });
    });
    // Live from now on every instance: its gate (SPEC §7) lets it through.
    this.changes.publish({
      kind: 'live',
      added: [fingerprint(session.tokenHash)],
    });
    const expiresAt = this.verifier.expiry({ session, lastSeen: now });
    return {
      session_id: token,
      csrf_token: csrf,
      expires_at: new Date(expiresAt).toISOString(),
      user: userView(user),
    };
  }

  /**
   * Step-up (SPEC §18): the session completed a second factor now, so it has
   * aal 2 until STEP_UP_WINDOW seconds from the returned instant. Audited
   * `session.step_up` (details say how, never a code) in the same transaction;
   * every instance reloads the session on its next request. The request that
   * steps up is the session's newest activity, so it is written too (the
   * reload drops unwritten activity).
   */
  async markSteppedUp(
    auth: { sessionRecordId: string; username: string },
    details: AuditDetails,
    context: AuditContext,
  ): Promise<Date> {
    const now = new Date(this.clock.now());
    await this.lock.transaction(async (manager) => {
      await manager.update(
        Session,
        { id: auth.sessionRecordId },
        { aal: 2, steppedUpAt: now, lastSeenAt: now },
      );
      await this.audit.record(manager, context, {
        action: 'session.step_up',
        targetType: 'user',
        targetId: auth.username,
        details,
      });
    });
    this.changes.publish({ kind: 'session', id: auth.sessionRecordId });
    return now;
  }

  async logout(
    auth: RequestAuth | undefined,
    context: AuditContext,
  ): Promise<void> {
    const id = auth?.sessionRecordId;
    if (!auth || id === undefined) {
      throw AppError.notFound(
        'This request has no session: it came with an API key.',
      );
    }
    await this.lock.transaction(async (manager) => {
      await manager.delete(Session, { id });
      await this.audit.record(manager, context, {
        action: 'session.logout',
        targetType: 'user',
        targetId: auth.principal.id,
      });
    });
    this.changes.publish({ kind: 'session', id });
  }
}
