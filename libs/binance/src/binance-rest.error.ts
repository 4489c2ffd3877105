/** A REST request that failed: no answer (`status` 0), or an HTTP error with Binance's `{"code","msg"}` when it sent one. */
export class BinanceRestError extends Error {
  override readonly name = 'BinanceRestError';
  readonly code = 'BINANCE_REST_ERROR';

  constructor(
    message: string,
    readonly status: number,
    readonly binanceCode: number | null,
  ) {
    super(message);
  }
}
