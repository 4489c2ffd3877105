import { MarketDataService } from './market-data.service';
import { fixed8, formatUnits16, formatUnits8, percentChange3, ratio8, units8 } from './decimal8';
import { DAY_MS, dayWindowOpen, summarizeDay } from './rolling-day';

/** A symbol's rolling 24-hour statistics, every value as Binance writes it. */
export interface DayTicker {
  symbol: string;
  priceChange: string;
  priceChangePercent: string;
  weightedAvgPrice: string;
  prevClosePrice: string;
  lastPrice: string;
  lastQty: string;
  openPrice: string;
  highPrice: string;
  lowPrice: string;
  volume: string;
  quoteVolume: string;
  openTime: number;
  closeTime: number;
  /** Raw (not aggregate) trade ids, as Binance's ticker counts; -1 when the window holds no trade. */
  firstId: number;
  lastId: number;
  count: number;
}

const ZERO = '0.00000000';

/**
 * The statistics of the window from the minute holding `now` − 24 h to `now` (the current minute's partial candle
 * included: candles are merged as trades are stored): the stored 1-minute candles added up,
 * plus the trades at its edges for the raw trade ids, the last quantity and the previous close (the price of the
 * trade before the window). A window without trades shows the latest price, no volume and ids of -1.
 */
export async function dayTicker(market: MarketDataService, symbol: string, now: number): Promise<DayTicker> {
  // Binance reports the window as exactly 24 hours (its example: closeTime − openTime = 86,400,000), though its
  // statistics, like these, may reach up to a minute further back.
  const openTime = now - DAY_MS;
  const candles = await market.candles({ symbol, interval: '1m', startTime: dayWindowOpen(now), limit: 1441 });
  const day = summarizeDay(candles);
  if (day === null) {
    const latest = market.latestPrice(symbol);
    const price = latest === null ? ZERO : fixed8(latest.price);
    return {
      symbol,
      priceChange: ZERO,
      priceChangePercent: '0.000',
      weightedAvgPrice: ZERO,
      prevClosePrice: price,
      lastPrice: price,
      lastQty: ZERO,
      openPrice: price,
      highPrice: price,
      lowPrice: price,
      volume: ZERO,
      quoteVolume: ZERO,
      openTime,
      closeTime: now,
      firstId: -1,
      lastId: -1,
      count: 0,
    };
  }
  const edge = await market.trades({ symbol, fromId: Math.max(0, day.firstAggId - 1), limit: 2 });
  const before = edge.find((trade) => trade.tradeId === day.firstAggId - 1);
  const first = edge.find((trade) => trade.tradeId === day.firstAggId);
  const [last] = await market.trades({ symbol, fromId: day.lastAggId, limit: 1 });
  const open = units8(day.open);
  const close = units8(day.close);
  const firstId = first?.firstTradeId ?? -1;
  const lastId = last?.lastTradeId ?? -1;
  return {
    symbol,
    priceChange: formatUnits8(close - open),
    priceChangePercent: percentChange3(open, close),
    weightedAvgPrice: ratio8(day.quoteVolume16, day.volume * 10n ** 8n),
    prevClosePrice: before === undefined ? ZERO : fixed8(before.price),
    lastPrice: fixed8(day.close),
    lastQty: last === undefined ? ZERO : fixed8(last.quantity),
    openPrice: fixed8(day.open),
    highPrice: fixed8(day.high),
    lowPrice: fixed8(day.low),
    volume: formatUnits8(day.volume),
    quoteVolume: formatUnits16(day.quoteVolume16),
    openTime,
    closeTime: now,
    firstId,
    lastId,
    count: firstId < 0 || lastId < 0 ? 0 : lastId - firstId + 1,
  };
}
