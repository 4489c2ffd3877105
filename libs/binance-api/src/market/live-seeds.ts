import { type Candle, candleOpenTime, type KlineStreamInterval } from '@binance-rates/domain';
import { fixed8, units8 } from './decimal8';
import { KlineTotals, addTrade, emptyKline } from './kline-accumulator';
import { LiveDay } from './live-day';
import { MarketDataService } from './market-data.service';
import { dayWindowOpen, units16 } from './rolling-day';

const PAGE = 1000;

/**
 * The open kline of `interval` at `now` as stored so far: from its stored candle (every interval from 1m up is kept
 * as trades are stored, so a day's kline is one read, not a day of trades), plus its first and last trades for the raw
 * trade ids the candle does not hold. A `1s` kline is folded from its trades, one second of them at most. With no
 * trade yet, its prices are the previous close, the latest price known.
 */
export async function seedKline(
  market: MarketDataService,
  symbol: string,
  interval: KlineStreamInterval,
  now: number,
): Promise<{ openTime: number; kline: KlineTotals }> {
  const openTime = candleOpenTime(interval, now);
  const latest = market.latestPrice(symbol);
  const empty = emptyKline(latest === null ? null : latest.price);
  if (!market.isServed(symbol)) {
    return { openTime, kline: empty };
  }
  if (interval === '1s') {
    return { openTime, kline: await secondKline(market, symbol, openTime, empty) };
  }
  const [candle] = await market.candles({ symbol, interval, startTime: openTime, limit: 1 });
  if (candle === undefined || candle.openTime !== openTime || candle.aggTrades === 0) {
    return { openTime, kline: empty };
  }
  return { openTime, kline: await klineOfCandle(market, symbol, candle) };
}

async function secondKline(market: MarketDataService, symbol: string, openTime: number, kline: KlineTotals): Promise<KlineTotals> {
  let page = await market.trades({ symbol, startTime: openTime, limit: PAGE });
  while (page.length > 0) {
    for (const trade of page) addTrade(kline, trade);
    if (page.length < PAGE) break;
    page = await market.trades({ symbol, fromId: kline.lastAggId + 1, limit: PAGE });
  }
  return kline;
}

/** A stored candle as kline totals; its edge trades give the raw ids of its first and last fill (-1 if gone). */
async function klineOfCandle(market: MarketDataService, symbol: string, candle: Candle): Promise<KlineTotals> {
  const firstAggId = candle.firstTradeId as number;
  const lastAggId = candle.lastTradeId as number;
  const [first] = await market.trades({ symbol, fromId: firstAggId, limit: 1 });
  const [last] = await market.trades({ symbol, fromId: lastAggId, limit: 1 });
  return {
    open: fixed8(candle.open),
    high: fixed8(candle.high),
    low: fixed8(candle.low),
    close: fixed8(candle.close),
    volume: units8(candle.volume),
    quoteVolume16: units16(candle.quoteVolume),
    takerBuyVolume: units8(candle.takerBuyVolume),
    takerBuyQuoteVolume16: units16(candle.takerBuyQuoteVolume),
    trades: candle.trades,
    firstTradeId: first?.tradeId === firstAggId ? first.firstTradeId : -1,
    lastTradeId: last?.tradeId === lastAggId ? last.lastTradeId : -1,
    lastAggId,
  };
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
