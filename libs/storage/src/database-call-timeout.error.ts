/** PostgreSQL did not answer a call in time: its connection was given up, so a retry runs on a fresh one. */
export class DatabaseCallTimeoutError extends Error {
  override readonly name = 'DatabaseCallTimeoutError';
  readonly code = 'DATABASE_CALL_TIMEOUT';

  constructor(readonly timeoutMs: number) {
    super(`PostgreSQL did not answer within ${timeoutMs} ms; the connection was given up`);
  }
}
