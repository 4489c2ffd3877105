/** A stored run payload that does not decode: truncated, altered, or of a format this code does not know. */
export class CorruptTradeRunError extends Error {
  override readonly name = 'CorruptTradeRunError';
  readonly code = 'CORRUPT_TRADE_RUN';

  constructor(
    readonly symbol: string,
    readonly firstId: number,
    reason: string,
  ) {
    super(`Stored trades ${symbol} from #${firstId} are corrupt: ${reason}`);
  }
}
