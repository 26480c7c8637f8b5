import { QueryFailedError } from 'typeorm';

/**
 * A write refused by a UNIQUE or PRIMARY KEY constraint: the row another
 * request (on this instance or another) wrote first. PostgreSQL says 23505;
 * SQLite SQLITE_CONSTRAINT with "UNIQUE constraint failed" (its code is the
 * same for a foreign key or NOT NULL, so the message decides).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driver = error.driverError as
    { code?: string; message?: string } | undefined;
  if (driver?.code === '23505') return true;
  return (
    driver?.code === 'SQLITE_CONSTRAINT' &&
    /UNIQUE constraint failed/.test(driver.message ?? '')
  );
}
