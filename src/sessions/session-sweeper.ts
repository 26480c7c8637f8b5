import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import { Clock } from '../time/clock';
import { repeat } from '../time/repeat';
import { Session } from './session.entity';
import { SessionVerifier } from './session.verifier';

const SWEEP_MS = 60 * 60 * 1000;
/** Ended sessions are kept a day, so their holders hear "session_expired" rather than "invalid_session". */
const KEEP_EXPIRED_MS = 24 * 60 * 60 * 1000;

/** Hourly: sessions that ended more than a day ago are deleted. */
@Injectable()
export class SessionSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Sessions');
  private stopSweeping?: () => void;

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly verifier: SessionVerifier,
    private readonly clock: Clock,
    private readonly lock: WriteLock,
  ) {}

  /** Deletes sessions that ended more than a day ago. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const idle = now - this.config.sessionIdleTimeout * 1000 - KEEP_EXPIRED_MS;
    const old = now - this.config.sessionMaxAge * 1000 - KEEP_EXPIRED_MS;
    await this.verifier.activity.flush();
    // Plain numbers: the columns hold epoch milliseconds, and a find operator
    // with a Date would bypass the column transformer and compare as text.
    const result = await this.lock.exclusive(() =>
      this.sessions
        .createQueryBuilder()
        .delete()
        .where('last_seen_at < :idle OR created_at < :old', { idle, old })
        .execute(),
    );
    return result.affected ?? 0;
  }

  onApplicationBootstrap(): void {
    this.stopSweeping = repeat(
      SWEEP_MS,
      () => this.sweep(),
      (error) => this.logger.warn(`Session sweep failed: ${String(error)}`),
    );
  }

  onModuleDestroy(): void {
    this.stopSweeping?.();
  }
}
