import { AppError } from '../http/app-error';
import { isoInstant } from '../time/instants';

const DAY_MS = 86_400_000;

/**
 * `expiresAt` when MAX_KEY_LIFETIME_DAYS (`days`) allows it (SPEC §19):
 * unset, any; set, a key must expire, within that many days of `now`.
 * Otherwise `400 validation_failed` on expires_at, saying the latest allowed.
 */
export function withinLifetime(
  expiresAt: Date | null,
  now: number,
  days: number | undefined,
): Date | null {
  if (days === undefined) return expiresAt;
  const latest = now + days * DAY_MS;
  if (expiresAt === null || expiresAt.getTime() > latest) {
    throw AppError.invalidField(
      'expires_at',
      `expires_at must be set, no later than ${isoInstant(latest)}: keys live at most ${days} days on this server (MAX_KEY_LIFETIME_DAYS)`,
    );
  }
  return expiresAt;
}
