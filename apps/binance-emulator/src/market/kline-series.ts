import { UNITS_PER_WHOLE } from './decimal';
import { KlineCalendar, type KlineInterval } from './kline-calendar';
import type { SymbolMarket } from './symbol-market';
import type { StoredAggTrade } from './trade-history';

const SCALE = BigInt(UNITS_PER_WHOLE);

export interface KlineSeriesQuery {
  interval: KlineInterval;
  offsetMs: number;
  limit: number;
  startTime?: number;
  endTime?: number;
  now: number;
}

/**
 * Klines of the trades the market holds, as Binance's REST gives them (rest-api.md, "Kline/Candlestick data"):
 * keyed by open time, so `startTime` and `endTime` bound open times; the first `limit` from `startTime`, else the last
 * `limit` up to `endTime` or now. The market trades from its first held trade on, so every interval from there to the
 * current one is a kline, and one without trades stays at the previous close with no volume. Built from the trades
 * each time: the emulator's history is bounded, and klines are asked for rarely.
 */
export function klineSeries(market: SymbolMarket, query: KlineSeriesQuery): string {
  const { history } = market;
  const calendar = new KlineCalendar(query.interval, query.offsetMs);
  const oldest = history.oldestId === undefined ? undefined : history.get(history.oldestId);
  if (oldest === undefined) {
    return '[]';
  }
  const listed = calendar.openOf(oldest.tradeTime);
  const current = calendar.openOf(query.now);
  let last = query.endTime === undefined ? current : Math.min(current, calendar.openOf(query.endTime));
  let first: number;
  if (query.startTime === undefined) {
    first = Math.max(listed, calendar.after(last, -(query.limit - 1)));
  } else {
    const holding = calendar.openOf(query.startTime);
    first = Math.max(listed, holding < query.startTime ? calendar.after(holding) : holding);
    last = Math.min(last, calendar.after(first, query.limit - 1));
  }
  if (first > last) {
    return '[]';
  }
  const end = calendar.after(last) - 1;
  const trades = history.readByTime({ startTime: first, endTime: end, limit: history.size });
  const [before] = history.readByTime({ endTime: first - 1, limit: 1 });
  let close = before?.priceTicks ?? -1;
  const rows: string[] = [];
  let next = 0;
  for (let open = first; open <= last; open = calendar.after(open)) {
    const closeTime = calendar.after(open) - 1;
    const start = next;
    while (next < trades.length && trades[next].tradeTime <= closeTime) next++;
    if (next > start) {
      close = trades[next - 1].priceTicks;
      rows.push(klineRow(market, open, closeTime, trades.slice(start, next)));
    } else if (close >= 0) {
      rows.push(quietKlineRow(market, open, closeTime, close));
    }
  }
  return `[${rows.join(',')}]`;
}

function klineRow(market: SymbolMarket, openTime: number, closeTime: number, trades: readonly StoredAggTrade[]): string {
  let high = trades[0].priceTicks;
  let low = high;
  let volume = 0n;
  let quote = 0n;
  let takerVolume = 0n;
  let takerQuote = 0n;
  let fills = 0;
  for (const trade of trades) {
    high = Math.max(high, trade.priceTicks);
    low = Math.min(low, trade.priceTicks);
    const quantity = BigInt(trade.quantitySteps) * BigInt(market.stepUnits);
    const product = BigInt(trade.priceTicks) * BigInt(market.tickUnits) * quantity;
    volume += quantity;
    quote += product;
    if (!trade.isBuyerMaker) {
      takerVolume += quantity;
      takerQuote += product;
    }
    fills += trade.tradeCount;
  }
  const price = (ticks: number) => market.formatPrice(ticks);
  return (
    `[${openTime},"${price(trades[0].priceTicks)}","${price(high)}","${price(low)}","${price(trades[trades.length - 1].priceTicks)}",` +
    `"${units8(volume)}",${closeTime},"${units8(quote / SCALE)}",${fills},"${units8(takerVolume)}","${units8(takerQuote / SCALE)}","0"]`
  );
}

function quietKlineRow(market: SymbolMarket, openTime: number, closeTime: number, closeTicks: number): string {
  const price = market.formatPrice(closeTicks);
  return `[${openTime},"${price}","${price}","${price}","${price}","0.00000000",${closeTime},"0.00000000",0,"0.00000000","0.00000000","0"]`;
}

/** Units of 1e-8 as Binance's 8-decimal text (quote volumes are cut, not rounded, to 8 decimals). */
function units8(units: bigint): string {
  return `${units / SCALE}.${(units % SCALE).toString().padStart(8, '0')}`;
}
