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
import { answerChecks } from './relying-party';
import { isAssertionForm } from './webauthn-forms';

/** How WebAuthn names a stored passkey to the browser and to SimpleWebAuthn. */
export const credentialOf = (passkey: Passkey) => ({
  id: passkey.credentialId,
  transports: passkey.transports as AuthenticatorTransportFuture[],
});

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
      allowCredentials: allowed.map(credentialOf),
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
    const passkey = await this.named(userId, response);
    if (!passkey || !(await this.signed(passkey, purpose, userId, response)))
      return null;
    passkey.lastUsedAt = new Date(this.clock.now());
    await this.lock.exclusive(() =>
      this.passkeys.update(
        { id: passkey.id },
        { counter: passkey.counter, lastUsedAt: passkey.lastUsedAt },
      ),
    );
    return passkey;
  }

  /** The stored passkey the assertion names, when it may sign for `userId` (null: any user). */
  private async named(
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
    return passkey;
  }

  /** Whether `passkey` signed the challenge, user verified; its counter moves on when it did. */
  private async signed(
    passkey: Passkey,
    purpose: Exclude<ChallengePurpose, 'register'>,
    userId: number | null,
    response: AuthenticationResponseJSON,
  ): Promise<boolean> {
    try {
      const { verified, authenticationInfo } =
        await verifyAuthenticationResponse({
          response,
          ...answerChecks(this.config, (challenge) =>
            this.challenges.spend(challenge, purpose, userId),
          ),
          credential: {
            ...credentialOf(passkey),
            publicKey: Buffer.from(passkey.publicKey, 'base64url'),
            counter: passkey.counter,
          },
        });
      if (!verified) return false;
      passkey.counter = authenticationInfo.newCounter;
      return true;
    } catch (error) {
      this.logger.debug(`Passkey assertion refused: ${String(error)}`);
      return false;
    }
  }
}
