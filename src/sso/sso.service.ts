import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig, SsoConfig } from '../config/app-config';
import { OidcClient } from './oidc-client';
import { SsoAccounts } from './sso-accounts';

export interface SsoStatus {
  oidc: boolean;
  header: boolean;
  local_login: true | 'admins';
  login_url: string | null;
}

/**
 * Single sign-on (SPEC §17) as the sign-in screen sees it: which ways are
 * on. The sign-ins themselves are oidc-sign-in.ts and header-sign-in.ts,
 * each ending in sso-sign-in.ts.
 */
@Injectable()
export class SsoService implements OnApplicationBootstrap {
  private readonly sso: SsoConfig;
  private readonly localLogin: boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly oidc: OidcClient,
    private readonly accounts: SsoAccounts,
  ) {
    this.sso = config.sso;
    this.localLogin = config.localLogin;
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
}
