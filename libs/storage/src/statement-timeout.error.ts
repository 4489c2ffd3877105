/** A query cancelled by its statement timeout. */
export class StatementTimeoutError extends Error {
  override readonly name = 'StatementTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`the query did not finish within ${timeoutMs} ms`);
  }
}
