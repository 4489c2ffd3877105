const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Binance's kline intervals of fixed length, each aligned to the Unix epoch like Binance's own (so a `1h` candle opens
 * on the hour, UTC). `3d`, `1w` and `1M` are left out: Binance aligns them to calendar weeks and months.
 */
export const CANDLE_INTERVALS = Object.freeze({
  '1s': 1_000,
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '6h': 6 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': 24 * HOUR,
});

export type CandleIntervalName = keyof typeof CANDLE_INTERVALS;

/** One interval of stored trades. Prices and volumes are exact decimal strings. */
export interface Candle {
  /** Epoch ms of the interval's start; it closes at openTime + interval - 1. */
  openTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  /** Sum of the trades' quantities (base asset). */
  volume: string;
  /** Sum of price × quantity (quote asset). */
  quoteVolume: string;
  /** Aggregate trades in the interval. */
  trades: number;
  firstTradeId: number;
  lastTradeId: number;
}

/** Epoch-ms bounds, both inclusive, of the candles a query asks for: whole intervals, first and last included. */
export interface CandleWindow {
  startTime: number;
  endTime: number;
}

/**
 * The whole intervals a candles query covers, at most `limit` of them: the candles opening from the one holding
 * `startTime` on when it is given, otherwise the `limit` intervals up to the one holding `endTime` (or now), so the
 * current, still open interval comes last. A candle is never cut by the query's bounds: one whose interval holds
 * `startTime` or `endTime` is returned whole, like Binance's klines.
 */
export function candleWindow(params: { intervalMs: number; limit: number; startTime?: number; endTime?: number; now: number }): CandleWindow {
  const { intervalMs, limit } = params;
  const openOf = (time: number) => time - (time % intervalMs);
  if (params.startTime !== undefined) {
    const firstOpen = openOf(params.startTime);
    const lastOpen = Math.min(firstOpen + (limit - 1) * intervalMs, params.endTime === undefined ? Infinity : openOf(params.endTime));
    return { startTime: firstOpen, endTime: lastOpen + intervalMs - 1 };
  }
  const lastOpen = openOf(params.endTime ?? params.now);
  return { startTime: Math.max(0, lastOpen - (limit - 1) * intervalMs), endTime: lastOpen + intervalMs - 1 };
}
