import { isoString } from './iso-string';
import { AppError } from '../http/app-error';

export const iso = (date: Date): string => date.toISOString();

let lastMs = NaN;
let lastIso = '';

/**
 * The ISO-8601 form of an epoch-ms instant, remembering the last one:
 * session expiries move with every request, and under load several
 * requests a millisecond ask for the same one (V8 formats with snprintf).
 */
export function isoInstant(ms: number): string {
  if (ms !== lastMs) {
    lastIso = isoString(ms);
    lastMs = ms;
  }
  return lastIso;
}
export const isoOrNull = (date: Date | null): string | null =>
  date ? date.toISOString() : null;

/**
 * An instant from an already ISO-8601-validated string; one without a zone is
 * read as UTC, never as the server's local time.
 */
export function parseInstant(value: string): Date {
  const zoned =
    /T.*(Z|[+-]\d\d(:?\d\d)?)$/i.test(value) || !value.includes('T');
  return new Date(zoned ? value : `${value}Z`);
}

/** `null` stays null; anything else must be strictly after `now`. */
export function futureInstant(
  value: string | null,
  field: string,
  now: number,
): Date | null {
  if (value === null) return null;
  const instant = parseInstant(value);
  if (Number.isNaN(instant.getTime())) {
    throw AppError.invalidField(field, `${field} must be a valid timestamp`);
  }
  if (instant.getTime() <= now) {
    throw AppError.invalidField(field, `${field} must be in the future`);
  }
  return instant;
}
