import { Alert } from '../alerts/alert.entity';
import { AuditEntry } from '../audit/audit-entry.entity';
import { ApiKey } from '../api-keys/api-key.entity';
import { Category } from '../categories/category.entity';
import { Event } from '../events/event.entity';
import { Group } from '../groups/group.entity';
import { Job } from '../jobs/job.entity';
import { Monitor } from '../monitors/monitor.entity';
import { Role } from '../roles/role.entity';
import { Session } from '../sessions/session.entity';
import { Ticket } from '../tickets/ticket.entity';
import { User } from '../users/user.entity';

/** Every entity of the schema; migrations must match them (a test checks). */
export const ENTITIES = [
  User,
  Session,
  ApiKey,
  Category,
  Group,
  Event,
  Job,
  Monitor,
  Alert,
  Ticket,
  Role,
  AuditEntry,
];
