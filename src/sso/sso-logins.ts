import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { generators } from 'openid-client';
import { Repository } from 'typeorm';
import { ServerKeys } from '../database/server-keys';
import { isUniqueViolation } from '../database/unique-violation';
import { WriteLock } from '../database/write-lock';
import { openSealed, seal } from '../secrets/seal';
import { safeEqual, sha256Hex } from '../secrets/secrets';
import { Clock } from '../time/clock';
import { repeat } from '../time/repeat';
import { SsoSpentState } from './sso-spent-state.entity';

/** SPEC §17: the cookie binding a sign-in to its browser lives at most 600 s. */
export const SSO_LOGIN_TTL_SECONDS = 600;
const SWEEP_MS = 10 * 60 * 1000;
/**
 * Percent-encoded, so the sealed cookie stays well under the 4096 bytes a
 * browser keeps of one (a longer one would be dropped, the sign-in lost).
 */
const RETURN_TO_MAX = 2048;
/** Longer than any cookie this server seals; a longer one is not opened. */
const COOKIE_MAX = 4096;
const KEY_PURPOSE = 'sso sign-in cookie v1';
const SEAL_CONTEXT = 'opsgate_sso';

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
  const path = value.replace(/[\u0080-\uffff]+/g, (run) =>
    encodeURIComponent(run),
  );
  return path.length > RETURN_TO_MAX ? null : path;
}

export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string | null;
}

/** What the cookie seals: the sign-in, and when it began. */
interface Sealed {
  s: string;
  n: string;
  v: string;
  r: string | null;
  t: number;
}

/**
 * OpenID sign-ins under way: started by GET /api/sso/login, each used once
 * by its callback. The public start writes nothing (a flood of them once
 * filled a table): the state, nonce, PKCE verifier and return_to travel
 * sealed (AES-256-GCM under the server's key) in the browser's cookie,
 * which the callback opens. Only a callback that uses a state writes, a
 * marker whose primary key lets the state serve once on every instance.
 */
@Injectable()
export class SsoLogins implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SSO');
  private stopSweeping?: () => void;
  private key?: Buffer;

  constructor(
    @InjectRepository(SsoSpentState)
    private readonly spent: Repository<SsoSpentState>,
    private readonly serverKeys: ServerKeys,
    private readonly lock: WriteLock,
    private readonly clock: Clock,
  ) {}

  /** A fresh state, nonce and PKCE verifier, and the cookie value that carries them. */
  async begin(
    returnTo: string | null,
  ): Promise<{ cookie: string; login: PendingLogin }> {
    const login: PendingLogin = {
      state: generators.state(),
      nonce: generators.nonce(),
      codeVerifier: generators.codeVerifier(),
      returnTo,
    };
    const sealed: Sealed = {
      s: login.state,
      n: login.nonce,
      v: login.codeVerifier,
      r: login.returnTo,
      t: this.clock.now(),
    };
    const cookie = seal(
      await this.sealKey(),
      JSON.stringify(sealed),
      SEAL_CONTEXT,
    );
    return { cookie, login };
  }

  /**
   * The sign-in this cookie carries, if the callback's `state` is its own,
   * it began at most 600 s ago, and no callback used it before (here or on
   * another instance: the marker's insert decides, even between two at
   * once). Null otherwise.
   */
  async consume(cookie: unknown, state: unknown): Promise<PendingLogin | null> {
    const login = await this.opened(cookie);
    if (!login || typeof state !== 'string' || !safeEqual(state, login.s)) {
      return null;
    }
    const expiresAt = login.t + SSO_LOGIN_TTL_SECONDS * 1000;
    if (expiresAt <= this.clock.now()) return null;
    if (!(await this.markSpent(login.s, expiresAt))) return null;
    return {
      state: login.s,
      nonce: login.n,
      codeVerifier: login.v,
      returnTo: login.r,
    };
  }

  /** Forgets markers of states that have expired anyway. */
  async sweep(): Promise<number> {
    const result = await this.lock.exclusive(() =>
      this.spent
        .createQueryBuilder()
        .delete()
        .where('expires_at <= :now', { now: this.clock.now() })
        .execute(),
    );
    return result.affected ?? 0;
  }

  onApplicationBootstrap(): void {
    this.stopSweeping = repeat(
      SWEEP_MS,
      () => this.sweep(),
      (error) =>
        this.logger.warn(`Sweeping used SSO states failed: ${String(error)}`),
    );
  }

  onModuleDestroy(): void {
    this.stopSweeping?.();
  }

  /** The cookie's content; null when this server did not seal it (or it was changed). */
  private async opened(cookie: unknown): Promise<Sealed | null> {
    if (typeof cookie !== 'string' || cookie.length > COOKIE_MAX) return null;
    const plain = openSealed(await this.sealKey(), cookie, SEAL_CONTEXT);
    if (plain === null) return null;
    const login = JSON.parse(plain) as Sealed;
    return typeof login.s === 'string' && typeof login.t === 'number'
      ? login
      : null;
  }

  /** True the first time only; the primary key decides between requests and instances. */
  private async markSpent(state: string, expiresAt: number): Promise<boolean> {
    try {
      await this.lock.exclusive(() =>
        this.spent.insert({
          digest: sha256Hex(state),
          expiresAt: new Date(expiresAt),
        }),
      );
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  private async sealKey(): Promise<Buffer> {
    this.key ??= await this.serverKeys.key(KEY_PURPOSE);
    return this.key;
  }
}
