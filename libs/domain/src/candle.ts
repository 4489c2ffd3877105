import { type CandleInterval, candleCloseTime, candleOpenTime, candleOpenTimeAfter } from './candle-interval';

/** One interval of stored trades, field for field a Binance kline. Prices and volumes are exact decimal strings. */
export interface Candle {
  /** Epoch ms of the interval's start. */
  openTime: number;
  /** Epoch ms of the interval's last millisecond: the next interval's open − 1. */
  closeTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  /** Sum of the trades' quantities (base asset). */
  volume: string;
  /** Sum of price × quantity (quote asset). */
  quoteVolume: string;
  /** Trades as Binance counts them: every fill, Σ (lastTradeId − firstTradeId + 1) over the aggregate trades. */
  trades: number;
  /** Aggregate trades in the interval. */
  aggTrades: number;
  /** Volume of the trades whose buyer was the taker (not the maker). */
  takerBuyVolume: string;
  /** Quote volume of the trades whose buyer was the taker. */
  takerBuyQuoteVolume: string;
  /** Aggregate id of the interval's first trade; null for an interval without trades. */
  firstTradeId: number | null;
  /** Aggregate id of the interval's last trade; null for an interval without trades. */
  lastTradeId: number | null;
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
 * `startTime` or `endTime` is returned whole, like Binance's klines. The window never starts before the candle
 * holding the epoch.
 */
export function candleWindow(params: { interval: CandleInterval; limit: number; startTime?: number; endTime?: number; now: number }): CandleWindow {
  const { interval, limit } = params;
  if (params.startTime !== undefined) {
    const firstOpen = candleOpenTime(interval, params.startTime);
    const lastByLimit = candleOpenTimeAfter(interval, firstOpen, limit - 1);
    const lastOpen = params.endTime === undefined ? lastByLimit : Math.min(lastByLimit, candleOpenTime(interval, params.endTime));
    return { startTime: firstOpen, endTime: candleCloseTime(interval, lastOpen) };
  }
  const lastOpen = candleOpenTime(interval, params.endTime ?? params.now);
  const firstOpen = Math.max(candleOpenTime(interval, 0), candleOpenTimeAfter(interval, lastOpen, -(limit - 1)));
  return { startTime: firstOpen, endTime: candleCloseTime(interval, lastOpen) };
}
