import { ApiKey } from '../api-keys/api-key.entity';
import { AuditEntry } from '../audit/audit-entry.entity';
import { GUARDED_RESOURCES } from '../resources/guarded-resources';
import { Session } from '../sessions/session.entity';
import { User } from '../users/user.entity';

/** Every entity of the schema; migrations must match them (a test checks). */
export const ENTITIES = [
  User,
  Session,
  ApiKey,
  AuditEntry,
  ...GUARDED_RESOURCES.map((resource) => resource.entity),
];
