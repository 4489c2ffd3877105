import type { Candle, CandleWindow } from './candle';
import { type CandleInterval, candleCloseTime, candleOpenTimeAfter } from './candle-interval';

/**
 * The window's candles with the intervals without trades put in, the way Binance shows a market that is up but quiet:
 * a candle at the previous close (open = high = low = close), zero volumes, no trades, and null trade ids. Only where
 * the market is known to have been up: after a trade (`previousClose`, the close before the window, or a candle of
 * it) and before one (a later candle of the window, or `tradedAfter` the window). Stored candles come ascending.
 */
export function withEmptyCandles(params: {
  interval: CandleInterval;
  window: CandleWindow;
  candles: readonly Candle[];
  previousClose: string | null;
  tradedAfter: boolean;
}): Candle[] {
  const { interval, window, candles } = params;
  const last = candles[candles.length - 1];
  const filledUntil = params.tradedAfter ? window.endTime : last === undefined ? -Infinity : last.openTime;
  const out: Candle[] = [];
  let previousClose = params.previousClose;
  let next = 0;
  for (let open = window.startTime; open <= filledUntil; open = candleOpenTimeAfter(interval, open)) {
    const candle = candles[next];
    if (candle !== undefined && candle.openTime === open) {
      out.push(candle);
      previousClose = candle.close;
      next++;
    } else if (previousClose !== null) {
      out.push(emptyCandle(interval, open, previousClose));
    }
  }
  return out;
}

function emptyCandle(interval: CandleInterval, openTime: number, price: string): Candle {
  return {
    openTime,
    closeTime: candleCloseTime(interval, openTime),
    open: price,
    high: price,
    low: price,
    close: price,
    volume: '0',
    quoteVolume: '0',
    trades: 0,
    aggTrades: 0,
    takerBuyVolume: '0',
    takerBuyQuoteVolume: '0',
    firstTradeId: null,
    lastTradeId: null,
  };
}
