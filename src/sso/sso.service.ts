import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { BaseClient, CallbackParamsType, generators } from 'openid-client';
import type { AuditContext } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log';
import { AppError, type SsoFailureReason } from '../http/app-error';
import { ClientFailures } from '../rate-limits/client-failures';
import { safeEqual } from '../secrets/secrets';
import { APP_CONFIG, AppConfig, SsoConfig } from '../config/app-config';
import type { SignInMethod } from '../sessions/session.entity';
import type { SignInClient } from '../sessions/session-cookie';
import {
  type LoginResult,
  SessionLifecycle,
} from '../sessions/session-lifecycle';
import { accountDisabled } from '../sessions/session.verifier';
import { OidcClient } from './oidc-client';
import { SsoAccounts } from './sso-accounts';
import { FAILURE_DETAILS, failureOf } from './sso-failures';
import { SsoLogins, sameSitePath } from './sso-logins';
import {
  fullNameFrom,
  groupsFrom,
  groupsFromHeader,
  type SsoProfile,
  usernameFrom,
} from './sso-profile';
import { trustedProxies } from './trusted-proxies';

type SsoMethod = Extract<SignInMethod, 'oidc' | 'header'>;

export interface SsoStatus {
  oidc: boolean;
  header: boolean;
  local_login: true | 'admins';
  login_url: string | null;
}

/** What the callback and the header route hand over of their request. */
export interface SsoRequest {
  context: AuditContext;
  client: SignInClient;
}

/** Single sign-on (SPEC §17): OpenID Connect and trusted headers, each ending in a session like a password login's. */
@Injectable()
export class SsoService implements OnApplicationBootstrap {
  private readonly sso: SsoConfig;
  private readonly localLogin: boolean;
  private readonly trusted: (peer: string | undefined) => boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly oidc: OidcClient,
    private readonly logins: SsoLogins,
    private readonly accounts: SsoAccounts,
    private readonly sessions: SessionLifecycle,
    private readonly audit: AuditLog,
    private readonly clientFailures: ClientFailures,
  ) {
    this.sso = config.sso;
    this.localLogin = config.localLogin;
    this.trusted = trustedProxies(config.sso.header?.trustedProxies ?? []);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.accounts.warnUnknownRoles();
  }

  status(): SsoStatus {
    return {
      oidc: this.oidc.enabled,
      header: this.sso.header !== undefined,
      local_login: this.localLogin ? true : 'admins',
      login_url: this.oidc.enabled ? '/api/sso/login' : null,
    };
  }

  /** The provider's authorization URL for a fresh sign-in, and the cookie binding it to this browser. */
  async begin(
    returnTo: unknown,
    context: AuditContext,
  ): Promise<{ url: string; cookie: string }> {
    await this.clientFailures.gate(context.ip);
    const client = await this.oidc.ready();
    if (!client) throw await this.failed('oidc', 'unavailable', context);
    const { cookie, login } = await this.logins.begin(sameSitePath(returnTo));
    const url = client.authorizationUrl({
      scope: this.sso.oidc?.scopes,
      response_type: 'code',
      state: login.state,
      nonce: login.nonce,
      code_challenge: generators.codeChallenge(login.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, cookie };
  }

  /** The provider sent the browser back: check, exchange, validate, sign in. */
  async callback(
    callbackUrl: string,
    cookie: unknown,
    request: SsoRequest,
  ): Promise<{ session: LoginResult; returnTo: string }> {
    const { context } = request;
    await this.clientFailures.gate(context.ip);
    const client = await this.oidc.ready();
    if (!client) throw await this.failed('oidc', 'unavailable', context);
    const login = await this.logins.consume(cookie);
    const params = client.callbackParams(callbackUrl);
    if (!login || !sameState(params, login.state)) {
      throw await this.failed('oidc', 'state_mismatch', context);
    }
    let claims: Record<string, unknown>;
    try {
      claims = await this.claims(client, params, login);
    } catch (error) {
      throw await this.failed('oidc', failureOf(error), context);
    }
    const profile = this.oidcProfile(claims);
    if (!profile) throw await this.failed('oidc', 'no_username', context);
    const session = await this.signIn(profile, 'oidc', request);
    return { session, returnTo: login.returnTo ?? '/' };
  }

  /** GET /api/sso/header: the proxy's headers count only when the TCP peer is a trusted proxy. */
  async fromHeaders(
    peer: string | undefined,
    headers: IncomingHttpHeaders,
    request: SsoRequest,
  ): Promise<LoginResult> {
    await this.clientFailures.gate(request.context.ip);
    const header = this.sso.header;
    if (!header || !this.trusted(peer)) {
      throw await this.failed('header', 'untrusted_proxy', request.context);
    }
    const value = (name: string | undefined) => {
      const raw = name === undefined ? undefined : headers[name];
      return Array.isArray(raw) ? raw.join(',') : raw;
    };
    const username = usernameFrom(value(header.username));
    if (!username) {
      throw await this.failed('header', 'no_username', request.context);
    }
    const name = value(header.name);
    const profile: SsoProfile = {
      source: 'header',
      username,
      fullName: fullNameFrom(name === undefined ? name : utf8(name)),
      groups: groupsFromHeader(value(header.groups)),
    };
    return this.signIn(profile, 'header', request);
  }

  /**
   * The ID token's claims (signature, iss, aud, exp and nonce checked by
   * openid-client, with the PKCE verifier sent), and from UserInfo any of
   * the username, name and groups claims the ID token lacks.
   */
  private async claims(
    client: BaseClient,
    params: CallbackParamsType,
    login: { state: string; nonce: string; codeVerifier: string },
  ): Promise<Record<string, unknown>> {
    const tokens = await client.callback(
      client.metadata.redirect_uris?.[0],
      params,
      {
        state: login.state,
        nonce: login.nonce,
        code_verifier: login.codeVerifier,
        response_type: 'code',
      },
    );
    const claims: Record<string, unknown> = tokens.claims();
    const oidc = this.sso.oidc!;
    const wanted = [oidc.usernameClaim, oidc.groupsClaim, 'name'];
    if (wanted.every((claim) => claims[claim] !== undefined)) return claims;
    // openid-client checks that UserInfo's sub is the ID token's.
    const info: Record<string, unknown> = await client.userinfo(tokens);
    return { ...info, ...claims };
  }

  private oidcProfile(claims: Record<string, unknown>): SsoProfile | null {
    const oidc = this.sso.oidc!;
    const username = usernameFrom(claims[oidc.usernameClaim]);
    if (!username) return null;
    return {
      source: 'oidc',
      username,
      fullName: fullNameFrom(claims.name),
      groups: groupsFrom(claims[oidc.groupsClaim]),
    };
  }

  private async signIn(
    profile: SsoProfile,
    method: SsoMethod,
    { context, client }: SsoRequest,
  ): Promise<LoginResult> {
    const { user, refused } = await this.accounts.signIn(profile, context);
    if (refused) {
      const refusal =
        refused === 'disabled'
          ? accountDisabled(user.username)
          : ssoFailed('account_conflict');
      await this.record(context, method, refusal, user.username);
      throw refusal;
    }
    return this.sessions.startSession(
      user,
      { method, aal: 1, ...client },
      context,
    );
  }

  /** The refusal to throw, once its failed session.login is in the audit log. */
  private async failed(
    method: SsoMethod,
    reason: SsoFailureReason,
    context: AuditContext,
  ): Promise<AppError> {
    const refusal = ssoFailed(reason);
    await this.record(context, method, refusal, null);
    return refusal;
  }

  /**
   * A refusal, audited, and counted against the client IP (SPEC §7's
   * AUTH_FAILURE_LIMIT), so a flood from one address stops at 429 before
   * it fills the audit log (the routes' gates).
   */
  private async record(
    context: AuditContext,
    method: SsoMethod,
    refusal: AppError,
    username: string | null,
  ): Promise<void> {
    await this.clientFailures.count(context.ip);
    const reason = refusal.extras.reason as string | undefined;
    await this.audit.recordAlone(context, {
      action: 'session.login',
      actor: null,
      targetType: username === null ? null : 'user',
      targetId: username,
      outcome: 'failed',
      code: refusal.code,
      details: reason ? { method, reason } : { method },
    });
  }
}

const ssoFailed = (reason: SsoFailureReason) =>
  new AppError(401, 'sso_failed', FAILURE_DETAILS[reason], { reason });

/** The callback's state is the one this browser's cookie was bound to (compared in constant time). */
const sameState = (params: CallbackParamsType, state: string): boolean =>
  typeof params.state === 'string' && safeEqual(params.state, state);

/**
 * Node reads header values as Latin-1, one character per byte; proxies send
 * a name's UTF-8 bytes (oauth2-proxy does), so they are decoded as such when
 * they form valid UTF-8.
 */
function utf8(latin1: string): string {
  const decoded = Buffer.from(latin1, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? latin1 : decoded;
}
