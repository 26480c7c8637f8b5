import { IsIn, IsISO8601, IsString, Matches, MaxLength } from 'class-validator';
import {
  instant,
  listOf,
  named,
  orNull,
  strict,
  text,
} from '../validation/schema';
import { Optional, PageQuery } from '../validation/validation';
import {
  AUDIT_TARGET_TYPES,
  type AuditDetails,
  type AuditTargetType,
} from './audit-entry.entity';

/** GET /api/audit: a page, and filters that must all match. */
export class AuditQuery extends PageQuery {
  @Optional()
  @IsString()
  @MaxLength(100)
  actor?: string;

  @Optional()
  @IsString()
  @Matches(/^[a-z_]{1,16}\.[a-z_]{1,16}$/, {
    message: 'action must be of the form noun.verb, e.g. api_key.create',
  })
  action?: string;

  @Optional()
  @IsIn(AUDIT_TARGET_TYPES)
  target_type?: AuditTargetType;

  @Optional()
  @IsString()
  @MaxLength(100)
  target_id?: string;

  /** Entries at or after this instant. */
  @Optional()
  @IsISO8601({ strict: true, strictSeparator: true })
  since?: string;

  /** Entries at or before this instant. */
  @Optional()
  @IsISO8601({ strict: true, strictSeparator: true })
  until?: string;
}

/** GET /api/me/activity: a page of the caller's security log, within an optional span. */
export class ActivityQuery extends PageQuery {
  /** Entries at or after this instant. */
  @Optional()
  @IsISO8601({ strict: true, strictSeparator: true })
  since?: string;

  /** Entries at or before this instant. */
  @Optional()
  @IsISO8601({ strict: true, strictSeparator: true })
  until?: string;
}

const nullableText = orNull(text());

/** The wire shape of an audit entry (SPEC §13); e2e responses are validated against it. */
export const AUDIT_ENTRY_SCHEMA = named('AuditEntry', () =>
  strict({
    id: text(),
    at: instant,
    actor: nullableText,
    action: text(),
    target_type: orNull(text({ enum: [...AUDIT_TARGET_TYPES] })),
    target_id: nullableText,
    outcome: text({ enum: ['success', 'denied', 'failed'] }),
    code: nullableText,
    ip: nullableText,
    request_id: nullableText,
    details: {
      type: 'object',
      description:
        'The fields that changed and their new values; never a secret',
      additionalProperties: {
        anyOf: [
          { type: 'string' },
          { type: 'number' },
          { type: 'boolean' },
          { type: 'null' },
          listOf(text()),
        ],
      },
    },
  }),
);

export interface AuditEntryView {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  target_type: AuditTargetType | null;
  target_id: string | null;
  outcome: string;
  code: string | null;
  ip: string | null;
  request_id: string | null;
  details: AuditDetails;
}
