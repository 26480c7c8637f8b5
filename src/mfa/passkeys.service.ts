import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log';
import { AppError } from '../http/app-error';
import { Clock } from '../time/clock';
import { newId } from '../secrets/secrets';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import type { User } from '../users/user.entity';
import {
  CHALLENGE_TTL_MS,
  type ChallengePurpose,
  Challenges,
} from './challenges';
import { MfaKeys } from './mfa-keys';
import { isAssertionForm, isRegistrationForm } from './webauthn-forms';
import { Passkey } from './passkey.entity';
import { SecondFactors } from './second-factors.service';

export interface PasskeyView {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

const view = (passkey: Passkey): PasskeyView => ({
  id: passkey.id,
  name: passkey.name,
  created_at: passkey.createdAt.toISOString(),
  last_used_at: passkey.lastUsedAt?.toISOString() ?? null,
});

const target = (user: User) => ({
  targetType: 'user' as const,
  targetId: user.username,
});

/** Passkeys (WebAuthn, SimpleWebAuthn): registration, list, removal, and assertions. */
@Injectable()
export class PasskeysService {
  private readonly logger = new Logger('Passkeys');

  constructor(
    @InjectRepository(Passkey) private readonly passkeys: Repository<Passkey>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly challenges: Challenges,
    private readonly keys: MfaKeys,
    private readonly factors: SecondFactors,
    private readonly clock: Clock,
    private readonly lock: WriteLock,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Registration options. A discoverable credential (resident key) with user
   * verification: a passkey, good for passwordless sign-in as well as a
   * second factor. Passkeys the user has are excluded, so one authenticator
   * is not registered twice.
   */
  async registrationOptions(
    user: User,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.passkeys.findBy({ userId: user.id });
    return generateRegistrationOptions({
      rpName: 'opsgate',
      rpID: this.config.webauthnRpId,
      userName: user.username,
      userDisplayName: user.fullName || user.username,
      userID: this.userHandle(user.id),
      challenge: this.challenges.issue('register', user.id),
      timeout: CHALLENGE_TTL_MS,
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({
        id: passkey.credentialId,
        transports: passkey.transports as AuthenticatorTransportFuture[],
      })),
      authenticatorSelection: {
        residentKey: 'required',
        requireResidentKey: true,
        userVerification: 'required',
      },
    });
  }

  async register(
    user: User,
    name: string,
    response: RegistrationResponseJSON,
    context: AuditContext,
  ): Promise<PasskeyView> {
    const credential = await this.verifyRegistration(user, response);
    const now = new Date(this.clock.now());
    const passkey: Passkey = {
      id: newId(),
      userId: user.id,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: credential.transports ?? [],
      name,
      createdAt: now,
      lastUsedAt: null,
    };
    await this.lock.transaction(async (manager) => {
      if (await manager.existsBy(Passkey, { credentialId: credential.id })) {
        throw AppError.conflict('This passkey is already registered.');
      }
      await manager.insert(Passkey, passkey);
      await this.audit.record(manager, context, {
        action: 'mfa.enroll',
        ...target(user),
        details: { method: 'passkey', passkey: passkey.id, name },
      });
    });
    this.factors.changed(user.id);
    return view(passkey);
  }

  async list(user: User): Promise<{ items: PasskeyView[]; total: number }> {
    const rows = await this.passkeys.find({
      where: { userId: user.id },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return { items: rows.map(view), total: rows.length };
  }

  async remove(user: User, id: string, context: AuditContext): Promise<void> {
    await this.lock.transaction(async (manager) => {
      const passkey =
        typeof id === 'string'
          ? await manager.findOneBy(Passkey, { id, userId: user.id })
          : null;
      if (!passkey) throw AppError.notFound(`No passkey with id "${id}".`);
      await manager.delete(Passkey, { id });
      await this.audit.record(manager, context, {
        action: 'mfa.remove',
        ...target(user),
        details: { method: 'passkey', passkey: id, name: passkey.name },
      });
    });
    this.factors.changed(user.id);
  }

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
    if (handle && handle !== this.userHandleText(passkey.userId)) return null;
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

  private async verifyRegistration(
    user: User,
    response: RegistrationResponseJSON,
  ) {
    try {
      if (!isRegistrationForm(response))
        throw new Error('not a registration response');
      const { verified, registrationInfo } = await verifyRegistrationResponse({
        response,
        expectedChallenge: (challenge) =>
          this.challenges.spend(challenge, 'register', user.id),
        expectedOrigin: this.config.webauthnOrigin,
        expectedRPID: this.config.webauthnRpId,
        requireUserVerification: true,
      });
      if (verified && registrationInfo) return registrationInfo.credential;
    } catch (error) {
      this.logger.debug(`Passkey registration refused: ${String(error)}`);
    }
    throw AppError.invalidField(
      'response',
      'The passkey could not be verified; ask for new options and try again.',
    );
  }

  /** The WebAuthn user handle: opaque and stable per user, never the username (it is stored on the authenticator). */
  private userHandle(userId: number): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.keys.mac('webauthn user', String(userId)));
  }

  private userHandleText(userId: number): string {
    return Buffer.from(this.userHandle(userId)).toString('base64url');
  }
}
