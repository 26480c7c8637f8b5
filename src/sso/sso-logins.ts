import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { generators } from 'openid-client';
import { Repository } from 'typeorm';
import { Clock } from '../time/clock';
import { repeat } from '../time/repeat';
import { newToken, sha256Hex, TOKEN_PATTERN } from '../secrets/secrets';
import { WriteLock } from '../database/write-lock';
import { SsoLogin } from './sso-login.entity';

/** SPEC §17: the cookie binding a sign-in to its browser lives at most 600 s. */
export const SSO_LOGIN_TTL_SECONDS = 600;
/** Often, so a flood of sign-ins never finished keeps the table small. */
const SWEEP_MS = 10 * 60 * 1000;
const RETURN_TO_MAX = 2048;

/**
 * SPEC §17: a path that starts with `/` and whose second character is
 * neither `/` nor `\` (either would make it another host's URL). No control
 * character or space anywhere either: browsers drop tabs and newlines from a
 * URL, so `/<tab>/evil.example` would become `//evil.example`. Characters
 * beyond ASCII are percent-encoded (UTF-8): the Location header carries
 * bytes, and Node refuses to send most of them (a 500 after the sign-in).
 */
export function sameSitePath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > RETURN_TO_MAX) return null;
  if (!/^\/(?![/\\])/.test(value)) return null;
  const unsafe = [...value].some(
    (c) => c.charCodeAt(0) <= 0x20 || c === '\x7f',
  );
  if (unsafe) return null;
  // The query parser never yields a lone surrogate, on which this would throw.
  return value.replace(/[\u0080-\uffff]+/g, (run) => encodeURIComponent(run));
}

export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string | null;
}

/** OpenID sign-ins under way: started by GET /api/sso/login, each used once by its callback. */
@Injectable()
export class SsoLogins implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SSO');
  private stopSweeping?: () => void;

  constructor(
    @InjectRepository(SsoLogin) private readonly logins: Repository<SsoLogin>,
    private readonly lock: WriteLock,
    private readonly clock: Clock,
  ) {}

  /** A fresh state, nonce and PKCE verifier, and the cookie value that finds them again. */
  async begin(
    returnTo: string | null,
  ): Promise<{ cookie: string; login: PendingLogin }> {
    const cookie = newToken();
    const login: PendingLogin = {
      state: generators.state(),
      nonce: generators.nonce(),
      codeVerifier: generators.codeVerifier(),
      returnTo,
    };
    await this.lock.exclusive(() =>
      this.logins.insert({
        id: sha256Hex(cookie),
        ...login,
        createdAt: new Date(this.clock.now()),
      }),
    );
    return { cookie, login };
  }

  /**
   * The sign-in this cookie started, removed as it is read: a state is used
   * once, even by two callbacks at once on two instances (the delete counts).
   * Null when there is none, it is spent, or it is older than 600 s.
   */
  async consume(cookie: unknown): Promise<PendingLogin | null> {
    if (typeof cookie !== 'string' || !TOKEN_PATTERN.test(cookie)) return null;
    const id = sha256Hex(cookie);
    const found = await this.lock.transaction(async (manager) => {
      const row = await manager.findOneBy(SsoLogin, { id });
      if (!row) return null;
      const { affected } = await manager.delete(SsoLogin, { id });
      return affected === 1 ? row : null;
    });
    const oldest = this.clock.now() - SSO_LOGIN_TTL_SECONDS * 1000;
    if (!found || found.createdAt.getTime() < oldest) return null;
    const { state, nonce, codeVerifier, returnTo } = found;
    return { state, nonce, codeVerifier, returnTo };
  }

  /** Deletes sign-ins never finished. */
  async sweep(): Promise<number> {
    const oldest = this.clock.now() - SSO_LOGIN_TTL_SECONDS * 1000;
    const result = await this.lock.exclusive(() =>
      this.logins
        .createQueryBuilder()
        .delete()
        .where('created_at < :oldest', { oldest })
        .execute(),
    );
    return result.affected ?? 0;
  }

  onApplicationBootstrap(): void {
    this.stopSweeping = repeat(
      SWEEP_MS,
      () => this.sweep(),
      (error) =>
        this.logger.warn(`Sweeping SSO sign-ins failed: ${String(error)}`),
    );
  }

  onModuleDestroy(): void {
    this.stopSweeping?.();
  }
}
