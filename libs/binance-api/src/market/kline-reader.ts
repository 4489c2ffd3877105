import { type Candle, type CandleInterval, candleCloseTime, candleOpenTime, withEmptyCandles } from '@binance-rates/domain';
import { type KlineWindow, klineWindow } from './kline-window';
import { MarketDataService } from './market-data.service';

export interface KlinesQuery {
  symbol: string;
  interval: CandleInterval;
  startTime?: number;
  endTime?: number;
  limit: number;
}

/**
 * The klines of a request, as Binance shows a market: one for every interval from the symbol's first stored trade to
 * the current one, an interval without trades at the previous close with no volume. The stored candles fill the quiet
 * intervals between two stored trades; this adds those after the last one, up to now (the market is up while the
 * symbol is tracked, as Binance's klines run on through a quiet market), and starts a `startTime` before the first
 * stored trade at the first stored trade, as Binance starts one before a listing at the listing.
 */
export async function readKlines(market: MarketDataService, query: KlinesQuery): Promise<Candle[]> {
  const { symbol, interval, startTime, endTime, limit } = query;
  const now = Date.now();
  let window = klineWindow({ interval, limit, startTime, endTime, now });
  if (window === null) {
    return [];
  }
  let candles = await candlesOf(market, query, window);
  if (startTime !== undefined) {
    // The stored candles fill the head of a window only after a trade; one starting later is where the data begins.
    const firstTrade = candles.length > 0 ? candles[0].openTime : await market.firstTradeTimeFrom(symbol, window.firstOpen);
    const dataFrom = firstTrade === null ? null : candleOpenTime(interval, firstTrade);
    if (dataFrom !== null && dataFrom > window.firstOpen) {
      window = klineWindow({ interval, limit, startTime: dataFrom, endTime, now });
      candles = window === null ? [] : await candlesOf(market, query, window);
    }
  }
  if (window === null) {
    return [];
  }
  let previousClose: string | null = null;
  if (candles.length === 0) {
    // No trade in the window nor after it: quiet since the latest trade, when that came before the window.
    const latest = market.latestPrice(symbol);
    if (latest === null || latest.tradeTime >= window.firstOpen) {
      return [];
    }
    previousClose = latest.price;
  }
  return withEmptyCandles({
    interval,
    window: { startTime: window.firstOpen, endTime: candleCloseTime(interval, window.lastOpen) },
    candles,
    previousClose,
    tradedAfter: true,
  });
}

function candlesOf(market: MarketDataService, query: KlinesQuery, window: KlineWindow): Promise<Candle[]> {
  return market.candles({
    symbol: query.symbol,
    interval: query.interval,
    startTime: window.firstOpen,
    endTime: candleCloseTime(query.interval, window.lastOpen),
    limit: query.limit,
  });
}
