import { Inject, Injectable } from '@nestjs/common';
import { BaseClient, CallbackParamsType, generators } from 'openid-client';
import type { AuditContext } from '../audit/audit-context';
import { APP_CONFIG, AppConfig, SsoConfig } from '../config/app-config';
import type { LoginResult } from '../sessions/session-lifecycle';
import { OidcClient } from './oidc-client';
import { failureOf } from './sso-failures';
import { SsoLogins, sameSitePath } from './sso-logins';
import {
  fullNameFrom,
  groupsFrom,
  type SsoProfile,
  usernameFrom,
} from './sso-profile';
import { SsoSignIn, type SsoRequest } from './sso-sign-in';

/** Signing in with the OpenID provider (SPEC §17): to its authorization page and back. */
@Injectable()
export class OidcSignIn {
  private readonly sso: SsoConfig;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly oidc: OidcClient,
    private readonly logins: SsoLogins,
    private readonly ssoSignIn: SsoSignIn,
  ) {
    this.sso = config.sso;
  }

  /** The provider's authorization URL for a fresh sign-in, and the cookie binding it to this browser. */
  async begin(
    returnTo: unknown,
    context: AuditContext,
  ): Promise<{ url: string; cookie: string }> {
    await this.ssoSignIn.gate(context);
    const client = await this.oidc.ready();
    if (!client)
      throw await this.ssoSignIn.failed('oidc', 'unavailable', context);
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
    await this.ssoSignIn.gate(context);
    const client = await this.oidc.ready();
    if (!client)
      throw await this.ssoSignIn.failed('oidc', 'unavailable', context);
    const params = client.callbackParams(callbackUrl);
    const login = await this.logins.consume(cookie, params.state);
    if (!login) {
      throw await this.ssoSignIn.failed('oidc', 'state_mismatch', context);
    }
    let claims: Record<string, unknown>;
    try {
      claims = await this.claims(client, params, login);
    } catch (error) {
      throw await this.ssoSignIn.failed('oidc', failureOf(error), context);
    }
    const profile = this.profile(claims);
    if (!profile)
      throw await this.ssoSignIn.failed('oidc', 'no_username', context);
    const session = await this.ssoSignIn.finish(profile, 'oidc', request);
    return { session, returnTo: login.returnTo ?? '/' };
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

  private profile(claims: Record<string, unknown>): SsoProfile | null {
    const oidc = this.sso.oidc!;
    const username = usernameFrom(claims[oidc.usernameClaim]);
    if (!username) return null;
    return {
      source: 'oidc',
      username,
      fullName: fullNameFrom(claims.name),
      groups: groupsFrom(claims[oidc.groupsClaim]),
      // The ID token's own (checked by openid-client; they win over UserInfo's).
      subject: `${String(claims.iss)} ${String(claims.sub)}`,
    };
  }
}
