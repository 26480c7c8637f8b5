import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiKeyVerifier } from '../api-keys/api-key.verifier';
import { AppError } from '../http/app-error';
import { andThen, type MaybePromise } from '../concurrency/maybe-promise';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SessionVerifier } from '../sessions/session.verifier';
import { AuthFailures } from './auth-failures';
import { LiveCredentials } from './live-credentials';
import type { Gate } from '../cache/credential-cache';
import {
  type Credential,
  findCredential,
  stripCredentials,
} from '../access/credentials';
import type { Policy } from '../access/policy.decorator';
import { setAuth } from '../access/request-auth';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly apiKeys: ApiKeyVerifier,
    private readonly sessions: SessionVerifier,
    private readonly failures: AuthFailures,
    private readonly live: LiveCredentials,
  ) {}

  /**
   * Records who is calling (see request-auth.ts), or throws the precise
   * 401/403. Public routes ignore credentials. Synchronous for a cached
   * credential, which is the common case.
   */
  authenticate(req: Request, policy: Policy): MaybePromise<void> {
    if (policy.kind === 'public') {
      stripCredentials(req);
      return;
    }
    let credential: Credential | null;
    try {
      credential = findCredential(req, this.config.allowQueryCredentials);
    } catch (error) {
      // A malformed credential is refused too (and counted), after the gate.
      return andThen(this.failures.gate(req), () =>
        this.failures.fail(req, error),
      );
    }
    stripCredentials(req);
    if (!credential) {
      throw AppError.unauthorized(
        'no_credentials',
        'This route needs an API key or a session.',
      );
    }
    const found = credential;
    return this.failures.counted(req, () => this.verify(req, found));
  }

  private verify(req: Request, credential: Credential): MaybePromise<void> {
    // SPEC §7: over the limit, only a live credential goes on to a lookup.
    const gate: Gate = (digest) =>
      this.live.has(digest) ? undefined : this.failures.gate(req);
    if (credential.kind === 'api_key') {
      return andThen(this.apiKeys.verify(credential.secret, gate), (auth) => {
        setAuth(req, auth);
        // SPEC §19: every answer to a key that expires says when.
        if (auth.keyExpires !== undefined) {
          req.res?.setHeader('X-API-Key-Expires', auth.keyExpires);
        }
      });
    }
    return andThen(this.sessions.verify(credential.secret, gate), (found) => {
      // Set before the CSRF check, so a refusal names who was refused (audit log).
      setAuth(req, {
        principal: found.principal,
        sessionRecordId: found.session.id,
        sessionExpiresAt: this.sessions.expiry(found),
        csrfToken: this.sessions.csrfToken(found, credential.secret),
        userId: found.userId,
        steppedUpAt: found.session.steppedUpAt?.getTime() ?? null,
      });
      // Only a cookie is sent by the browser on its own; headers and query need script access.
      if (credential.transport === 'cookie' && !SAFE_METHODS.has(req.method)) {
        this.sessions.checkCsrf(found, req.headers['x-csrf-token']);
      }
    });
  }
}
