import type { AuditDetails, AuditValue } from './audit-entry.entity';

/** The value written for a secret field that changed: that it changed, never what to. */
export const CHANGED = '(changed)';

/**
 * `details` of an update (SPEC §13): the wire fields whose value changed, with
 * the new value. Views never hold a secret; a secret that changed (a
 * password) is added by the caller as CHANGED.
 */
export function changedFields(
  before: object,
  after: object,
  ignore: readonly string[] = ['updated_at'],
): AuditDetails {
  const old = before as Record<string, AuditValue>;
  const changes: AuditDetails = {};
  for (const [field, value] of Object.entries(after) as [
    string,
    AuditValue,
  ][]) {
    if (ignore.includes(field)) continue;
    if (JSON.stringify(old[field]) !== JSON.stringify(value)) {
      changes[field] = value;
    }
  }
  return changes;
}

/** A record's fields for a create entry, without the ones that are not facts about it. */
export function createdFields(
  view: object,
  omit: readonly string[],
): AuditDetails {
  return Object.fromEntries(
    (Object.entries(view) as [string, AuditValue][]).filter(
      ([field]) => !omit.includes(field),
    ),
  );
}
