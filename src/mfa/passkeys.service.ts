import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log';
import { AppError } from '../http/app-error';
import { ChangeBus } from '../bus/change-bus';
import { Clock } from '../time/clock';
import { newId } from '../secrets/secrets';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import type { User } from '../users/user.entity';
import { CHALLENGE_TTL_MS, Challenges } from './challenges';
import { MfaKeys } from './mfa-keys';
import { factorsChanged } from './mfa-methods';
import { isRegistrationForm } from './webauthn-forms';
import { credentialOf } from './passkey-assertions';
import { Passkey } from './passkey.entity';
import { answerChecks } from './relying-party';

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

/** The record of a passkey just registered: its public key, never a secret. */
const newPasskey = (
  user: User,
  name: string,
  credential: WebAuthnCredential,
  now: number,
): Passkey => ({
  id: newId(),
  userId: user.id,
  credentialId: credential.id,
  publicKey: Buffer.from(credential.publicKey).toString('base64url'),
  counter: credential.counter,
  transports: credential.transports ?? [],
  name,
  createdAt: new Date(now),
  lastUsedAt: null,
});

const target = (user: User) => ({
  targetType: 'user' as const,
  targetId: user.username,
});

/** Passkeys (WebAuthn, SimpleWebAuthn): registration, list and removal; assertions are passkey-assertions.ts. */
@Injectable()
export class PasskeysService {
  private readonly logger = new Logger('Passkeys');

  constructor(
    @InjectRepository(Passkey) private readonly passkeys: Repository<Passkey>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly challenges: Challenges,
    private readonly keys: MfaKeys,
    private readonly changes: ChangeBus,
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
      userID: this.keys.userHandle(user.id),
      challenge: this.challenges.issue('register', user.id),
      timeout: CHALLENGE_TTL_MS,
      attestationType: 'none',
      excludeCredentials: existing.map(credentialOf),
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
    const passkey = newPasskey(user, name, credential, this.clock.now());
    await this.lock.transaction(async (manager) => {
      const { credentialId } = passkey;
      if (await manager.existsBy(Passkey, { credentialId })) {
        throw AppError.conflict('This passkey is already registered.');
      }
      await manager.insert(Passkey, passkey);
      await this.audit.record(manager, context, {
        action: 'mfa.enroll',
        ...target(user),
        details: { method: 'passkey', passkey: passkey.id, name },
      });
    });
    factorsChanged(this.changes, user.id);
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
    factorsChanged(this.changes, user.id);
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
        ...answerChecks(this.config, (challenge) =>
          this.challenges.spend(challenge, 'register', user.id),
        ),
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
}
