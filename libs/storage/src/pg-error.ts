/** The SQLSTATEs this library reacts to (PostgreSQL manual, appendix "Error Codes"). */
export const PgErrorCode = {
  uniqueViolation: '23505',
  deadlockDetected: '40P01',
  queryCanceled: '57014',
  duplicateDatabase: '42P04',
  duplicateTable: '42P07',
  lockNotAvailable: '55P03',
} as const;

/**
 * The `code` of an error thrown by `pg`: a SQLSTATE for a server error. Node's own errors (`ECONNRESET`...) carry
 * codes too, but never one that looks like a SQLSTATE, so comparing with `PgErrorCode` is safe for any error.
 */
export function pgErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * True for a data exception (SQLSTATE class 22: a value out of range, text that is not a number...): the rows
 * themselves are wrong, so writing them again fails again, unlike a lost connection or a timeout.
 */
export function isPgDataError(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code !== undefined && code.length === 5 && code.startsWith('22');
}
