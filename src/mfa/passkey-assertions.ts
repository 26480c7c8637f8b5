import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import { Clock } from '../time/clock';
import {
  CHALLENGE_TTL_MS,
  type ChallengePurpose,
  Challenges,
} from './challenges';
import { MfaKeys } from './mfa-keys';
import { Passkey } from './passkey.entity';
import { isAssertionForm } from './webauthn-forms';

/** Signing with a passkey: options for navigator.credentials.get(), and checking its answer. */
@Injectable()
export class PasskeyAssertions {
  private readonly logger = new Logger('Passkeys');

  constructor(
    @InjectRepository(Passkey) private readonly passkeys: Repository<Passkey>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly challenges: Challenges,
    private readonly keys: MfaKeys,
    private readonly clock: Clock,
    private readonly lock: WriteLock,
  ) {}

  /** Assertion options: for `userId`'s passkeys, or (null) any discoverable one. */
  async authenticationOptions(
    purpose: Exclude<ChallengePurpose, 'register'>,
    userId: number | null,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const allowed =
      userId === null ? [] : await this.passkeys.findBy({ userId });
    return generateAuthenticationOptions({
      rpID: this.config.webauthnRpId,
      challenge: this.challenges.issue(purpose, userId),
      timeout: CHALLENGE_TTL_MS,
      userVerification: 'required',
      allowCredentials: allowed.map((passkey) => ({
        id: passkey.credentialId,
        transports: passkey.transports as AuthenticatorTransportFuture[],
      })),
    });
  }

  /**
   * The passkey that signed this assertion, with user verification, for a
   * challenge issued for `purpose` (and `userId`, unless passwordless); null
   * when anything is wrong. Its counter and last use are updated.
   */
  async verifyAssertion(
    purpose: Exclude<ChallengePurpose, 'register'>,
    userId: number | null,
    response: AuthenticationResponseJSON,
  ): Promise<Passkey | null> {
    if (!isAssertionForm(response)) return null;
    const passkey = await this.passkeys.findOneBy({
      credentialId: response.id,
    });
    if (!passkey || (userId !== null && passkey.userId !== userId)) return null;
    // A discoverable passkey names its user; it must be the passkey's own.
    const handle = response.response.userHandle;
    if (handle && handle !== this.keys.userHandleText(passkey.userId))
      return null;
    try {
      const { verified, authenticationInfo } =
        await verifyAuthenticationResponse({
          response,
          expectedChallenge: (challenge) =>
            this.challenges.spend(challenge, purpose, userId),
          expectedOrigin: this.config.webauthnOrigin,
          expectedRPID: this.config.webauthnRpId,
          requireUserVerification: true,
          credential: {
            id: passkey.credentialId,
            publicKey: Buffer.from(passkey.publicKey, 'base64url'),
            counter: passkey.counter,
            transports: passkey.transports as AuthenticatorTransportFuture[],
          },
        });
      if (!verified) return null;
      passkey.counter = authenticationInfo.newCounter;
    } catch (error) {
      this.logger.debug(`Passkey assertion refused: ${String(error)}`);
      return null;
    }
    passkey.lastUsedAt = new Date(this.clock.now());
    await this.lock.exclusive(() =>
      this.passkeys.update(
        { id: passkey.id },
        { counter: passkey.counter, lastUsedAt: passkey.lastUsedAt },
      ),
    );
    return passkey;
  }
}
