import { ApiKey } from '../api-keys/api-key.entity';
import { ApiKeyUsage } from '../api-keys/api-key-usage.entity';
import { AuditEntry } from '../audit/audit-entry.entity';
import { ServerSecret } from '../database/server-secret.entity';
import { MfaToken } from '../mfa/mfa-token.entity';
import { Passkey } from '../mfa/passkey.entity';
import { RecoveryCode } from '../mfa/recovery-code.entity';
import { SpentChallenge } from '../mfa/spent-challenge.entity';
import { TotpFactor } from '../mfa/totp-factor.entity';
import { GUARDED_RESOURCES } from './guarded-resources';
import { Session } from '../sessions/session.entity';
import { SsoSpentState } from '../sso/sso-spent-state.entity';
import { User } from '../users/user.entity';

/** Every entity of the schema; migrations must match them (a test checks). */
export const ENTITIES = [
  User,
  Session,
  ApiKey,
  ApiKeyUsage,
  AuditEntry,
  TotpFactor,
  RecoveryCode,
  Passkey,
  MfaToken,
  SpentChallenge,
  ServerSecret,
  SsoSpentState,
  ...GUARDED_RESOURCES.map((resource) => resource.entity),
];
