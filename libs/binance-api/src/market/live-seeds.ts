import type { KlineStreamInterval } from '../streams/stream-name';
import { KlineTotals, addTrade, emptyKline } from './kline-accumulator';
import { klineOpenTime } from './kline-interval';
import { LiveDay } from './live-day';
import { MarketDataService } from './market-data.service';
import { dayWindowOpen } from './rolling-day';

const PAGE = 1000;
/** Trades read at most to seed one open kline; a longer interval so far is started from what was read. */
const MAX_SEED_PAGES = 200;

/**
 * The open kline of `interval` at `now` as stored so far: its trades read page by page from the history, so every
 * field (raw trade count, first and last raw ids, taker-buy volumes) is exact. With no trade yet, its prices are the
 * previous close, the latest price known.
 */
export async function seedKline(
  market: MarketDataService,
  symbol: string,
  interval: KlineStreamInterval,
  now: number,
): Promise<{ openTime: number; kline: KlineTotals }> {
  const openTime = klineOpenTime(interval, now);
  const latest = market.latestPrice(symbol);
  const kline = emptyKline(latest === null ? null : latest.price);
  if (!market.isServed(symbol)) {
    return { openTime, kline };
  }
  let page = await market.trades({ symbol, startTime: openTime, limit: PAGE });
  for (let pages = 1; page.length > 0; pages += 1) {
    for (const trade of page) addTrade(kline, trade);
    if (page.length < PAGE || pages >= MAX_SEED_PAGES) break;
    page = await market.trades({ symbol, fromId: kline.lastAggId + 1, limit: PAGE });
  }
  return { openTime, kline };
}

/** A symbol's rolling day from its stored 1-minute candles. */
export async function seedDay(market: MarketDataService, symbol: string, now: number): Promise<LiveDay> {
  if (!market.isServed(symbol)) {
    return new LiveDay(symbol, { candles: [], lastAggId: -1 });
  }
  const candles = await market.candles({ symbol, interval: '1m', startTime: dayWindowOpen(now), limit: 1441 });
  const last = candles[candles.length - 1];
  return new LiveDay(symbol, { candles, lastAggId: last === undefined ? -1 : (last.lastTradeId as number) });
}
