import type { AggTrade } from './agg-trade';
import { parseDecimal } from './candle-decimal';
import type { TradeRun } from './trade-run';

/**
 * Aggregate trades in id order as TradeRuns, so that candles of trades read back one by one (the 1s candles) fold
 * the same way as those kept while storing: a new run starts at a new symbol, a missing id, or a price or quantity
 * printed with another number of decimals. Prices and quantities are parsed exactly; a value whose units pass 2^53
 * cannot be a TradeRun's and is refused with an error naming it.
 */
export function tradeRunsOf(trades: readonly AggTrade[]): TradeRun[] {
  const runs: TradeRun[] = [];
  let start = 0;
  for (let i = 1; i <= trades.length; i++) {
    const previous = trades[i - 1] as AggTrade;
    const trade = trades[i];
    if (
      trade === undefined ||
      trade.symbol !== previous.symbol ||
      trade.tradeId !== previous.tradeId + 1 ||
      textDecimals(trade.price) !== textDecimals(previous.price) ||
      textDecimals(trade.quantity) !== textDecimals(previous.quantity)
    ) {
      runs.push(runOf(trades.slice(start, i)));
      start = i;
    }
  }
  return runs;
}

function textDecimals(text: string): number {
  const point = text.indexOf('.');
  return point < 0 ? 0 : text.length - point - 1;
}

/** `trades` is not empty. */
function runOf(trades: readonly AggTrade[]): TradeRun {
  const count = trades.length;
  const first = trades[0] as AggTrade;
  const prices = trades.map((trade) => parsed(trade, 'price'));
  const quantities = trades.map((trade) => parsed(trade, 'quantity'));
  const priceScale = Math.max(...prices.map((price) => price.scale));
  const quantityScale = Math.max(...quantities.map((quantity) => quantity.scale));
  const run: TradeRun = {
    symbol: first.symbol,
    firstId: first.tradeId,
    count,
    firstTradeId: Float64Array.from(trades, (trade) => trade.firstTradeId),
    lastTradeId: Float64Array.from(trades, (trade) => trade.lastTradeId),
    time: Float64Array.from(trades, (trade) => trade.tradeTime),
    priceUnits: Float64Array.from(prices, (price, i) => scaledTo(price, priceScale, trades[i] as AggTrade, 'price')),
    priceScale,
    priceTextDecimals: textDecimals(first.price),
    quantityUnits: Float64Array.from(quantities, (quantity, i) => scaledTo(quantity, quantityScale, trades[i] as AggTrade, 'quantity')),
    quantityScale,
    quantityTextDecimals: textDecimals(first.quantity),
    buyerMaker: Uint8Array.from(trades, (trade) => (trade.isBuyerMaker ? 1 : 0)),
  };
  return run;
}

function parsed(trade: AggTrade, field: 'price' | 'quantity') {
  const value = parseDecimal(trade[field]);
  if (value === null) {
    throw new Error(`${trade.symbol}#${trade.tradeId} ${field} ${trade[field]} has more digits than a trade run holds exactly`);
  }
  return value;
}

function scaledTo(value: { units: number; scale: number }, scale: number, trade: AggTrade, field: 'price' | 'quantity'): number {
  const units = value.units * 10 ** (scale - value.scale);
  if (!Number.isSafeInteger(units)) {
    throw new Error(`${trade.symbol}#${trade.tradeId} ${field} ${trade[field]} has more digits than a trade run holds exactly`);
  }
  return units;
}
