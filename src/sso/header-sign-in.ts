import { Inject, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import {
  APP_CONFIG,
  AppConfig,
  HeaderSsoConfig,
  SsoConfig,
} from '../config/app-config';
import type { LoginResult } from '../sessions/session-lifecycle';
import {
  fullNameFrom,
  groupsFromHeader,
  type SsoProfile,
  usernameFrom,
} from './sso-profile';
import { SsoSignIn, type SsoRequest } from './sso-sign-in';
import { trustedProxies } from './trusted-proxies';

/** Signing in with the headers of a trusted authenticating proxy (SPEC §17). */
@Injectable()
export class HeaderSignIn {
  private readonly sso: SsoConfig;
  private readonly trusted: (peer: string | undefined) => boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly ssoSignIn: SsoSignIn,
  ) {
    this.sso = config.sso;
    this.trusted = trustedProxies(config.sso.header?.trustedProxies ?? []);
  }

  /** GET /api/sso/header: the proxy's headers count only when the TCP peer is a trusted proxy. */
  async fromHeaders(
    peer: string | undefined,
    headers: IncomingHttpHeaders,
    request: SsoRequest,
  ): Promise<LoginResult> {
    await this.ssoSignIn.gate(request.context);
    const header = this.sso.header;
    if (!header || !this.trusted(peer)) {
      throw await this.ssoSignIn.failed(
        'header',
        'untrusted_proxy',
        request.context,
      );
    }
    const profile = headerProfile(header, headers);
    if (!profile) {
      throw await this.ssoSignIn.failed(
        'header',
        'no_username',
        request.context,
      );
    }
    return this.ssoSignIn.finish(profile, 'header', request);
  }
}

/** Who the proxy says signed in; null when it names no username. */
function headerProfile(
  header: HeaderSsoConfig,
  headers: IncomingHttpHeaders,
): SsoProfile | null {
  const value = (name: string | undefined) => {
    const raw = name === undefined ? undefined : headers[name];
    return Array.isArray(raw) ? raw.join(',') : raw;
  };
  const username = usernameFrom(value(header.username));
  if (!username) return null;
  const name = value(header.name);
  return {
    source: 'header',
    username,
    fullName: fullNameFrom(name === undefined ? name : utf8(name)),
    groups: groupsFromHeader(value(header.groups)),
  };
}

/**
 * Node reads header values as Latin-1, one character per byte; proxies send
 * a name's UTF-8 bytes (oauth2-proxy does), so they are decoded as such when
 * they form valid UTF-8.
 */
function utf8(latin1: string): string {
  const decoded = Buffer.from(latin1, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? latin1 : decoded;
}
