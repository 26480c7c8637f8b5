import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log';
import { AppError } from '../http/app-error';
import { Clock } from '../time/clock';
import { ChangeBus } from '../bus/change-bus';
import type { Page, PageQuery } from '../validation/validation';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import { findUser } from '../users/user-records';
import { User } from '../users/user.entity';
import { Session, type Aal } from './session.entity';
import { sessionInfo, type SessionInfo } from './session-info';
import { SessionVerifier } from './session.verifier';

/** Whose sessions: the user's record id and its username (the audit target). */
export type SessionOwner = Pick<User, 'id' | 'username'>;

/** Handles are 22 characters of [A-Za-z0-9] (24 hex for sessions of before). */
const HANDLE = /^[A-Za-z0-9]{16,32}$/;

const noSuchSession = (handle: string) =>
  AppError.notFound(`No session "${handle}" of this user.`);

/**
 * A person's live sessions: listed, and ended one or all at once (SPEC §16).
 * Ended ones are gone at once on every instance: the row is deleted, then
 * the change bus drops every cached copy (through Redis on the others).
 */
@Injectable()
export class UserSessionsService {
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly verifier: SessionVerifier,
    private readonly clock: Clock,
    private readonly lock: WriteLock,
    private readonly changes: ChangeBus,
    private readonly audit: AuditLog,
  ) {}

  /** The user of this username (any case), or 404. */
  private owner(username: string): Promise<SessionOwner> {
    return findUser(this.sessions.manager, username, {
      id: true,
      username: true,
    });
  }

  /** Live sessions, newest first; `current` marks the caller's own. */
  async list(
    username: string,
    currentId: string | undefined,
    page: PageQuery,
  ): Promise<Page<SessionInfo>> {
    const owner = await this.owner(username);
    const now = await this.settledNow();
    const [rows, total] = await this.live(this.sessions.manager, owner, now)
      .orderBy('s.createdAt', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .skip(page.offset)
      .take(page.limit)
      .getManyAndCount();
    const items = rows.map((session) => {
      const lastSeen = this.verifier.lastSeen(session);
      return sessionInfo({
        ...session,
        aal: this.aalNow(session, now),
        lastActive: lastSeen,
        expiresAt: this.verifier.expiry({ session, lastSeen }),
        current: session.id === currentId,
      });
    });
    return { items, total };
  }

  /** Ends one live session of the user, named by its handle; 404 for any other. */
  async revoke(
    username: string,
    handle: string,
    context: AuditContext,
  ): Promise<void> {
    const owner = await this.owner(username);
    if (!HANDLE.test(handle)) throw noSuchSession(handle);
    const now = await this.settledNow();
    const id = await this.lock.transaction(async (manager) => {
      const session = await this.live(manager, owner, now)
        .andWhere('s.handle = :handle', { handle })
        .getOne();
      if (!session) throw noSuchSession(handle);
      await manager.delete(Session, { id: session.id });
      await this.audit.record(manager, context, {
        action: 'session.revoke',
        targetType: 'user',
        targetId: owner.username,
        details: { session: handle },
      });
      return session.id;
    });
    this.changes.publish({ kind: 'session', id });
  }

  /** Ends every live session of the user but `exceptId`; answers how many. */
  async revokeAll(
    username: string,
    exceptId: string | undefined,
    context: AuditContext,
  ): Promise<{ revoked: number }> {
    const owner = await this.owner(username);
    const now = await this.settledNow();
    const revoked = await this.lock.transaction(async (manager) => {
      // One statement whatever their number (a list of ids could pass the
      // database's limit on parameters).
      const result = await manager
        .createQueryBuilder()
        .delete()
        .from(Session)
        .where(this.liveSql(''), this.liveParams(owner, now))
        .andWhere('id != :exceptId', { exceptId: exceptId ?? '' })
        .execute();
      const count = result.affected ?? 0;
      await this.audit.record(manager, context, {
        action: 'session.revoke',
        targetType: 'user',
        targetId: owner.username,
        details: { revoked: count },
      });
      return count;
    });
    // One message for all of them: every cached session of the user reloads.
    this.changes.publish({ kind: 'user', userId: owner.id });
    return { revoked };
  }

  /** SPEC §18: aal 2 lasts STEP_UP_WINDOW seconds from the last second factor. */
  private aalNow(session: Session, now: number): Aal {
    const at = session.steppedUpAt?.getTime();
    return at !== undefined && now - at < this.config.stepUpWindow * 1000
      ? 2
      : 1;
  }

  /**
   * Now, once this instance's unwritten activity is in the database, so a
   * session active a moment ago is not taken for an idle one.
   */
  private async settledNow(): Promise<number> {
    await this.verifier.activity.flush();
    return this.clock.now();
  }

  /** The sessions of `owner` that have not ended by `now` (idle timeout, maximum age). */
  private live(
    manager: EntityManager,
    owner: SessionOwner,
    now: number,
  ): SelectQueryBuilder<Session> {
    return manager
      .createQueryBuilder(Session, 's')
      .where(this.liveSql('s.'), this.liveParams(owner, now));
  }

  /** Column names, so the same condition serves SELECT and DELETE. */
  private liveSql(alias: string): string {
    return `${alias}user_id = :userId AND ${alias}last_seen_at > :idle AND ${alias}created_at > :old`;
  }

  /** Plain numbers: the columns hold epoch milliseconds (see session-sweeper.ts). */
  private liveParams(owner: SessionOwner, now: number) {
    return {
      userId: owner.id,
      idle: now - this.config.sessionIdleTimeout * 1000,
      old: now - this.config.sessionMaxAge * 1000,
    };
  }
}
