import { type DecimalSum, type ScaledUnits, addDecimalSum, compareScaled, decimalSumText, decimalText } from './candle-decimal';

/**
 * What some of the trades of one symbol in one interval add to its candle. Two partials of the same interval merge
 * into one exactly, whatever trades each saw, as long as no trade is in both: open and close go by the lowest and
 * highest aggregate id, high and low by value, the rest are sums. So candles can be kept as trades are stored, a
 * batch at a time, and coarser candles built from finer ones.
 */
export interface CandlePartial {
  readonly symbol: string;
  readonly openTime: number;
  firstAggId: number;
  lastAggId: number;
  open: ScaledUnits;
  close: ScaledUnits;
  high: ScaledUnits;
  low: ScaledUnits;
  /** Decimals the prices' text is printed with (Binance: 8). */
  priceTextDecimals: number;
  readonly volume: DecimalSum;
  readonly quoteVolume: DecimalSum;
  readonly takerBuyVolume: DecimalSum;
  readonly takerBuyQuoteVolume: DecimalSum;
  /** Raw trades: Σ (lastTradeId − firstTradeId + 1). */
  trades: number;
  aggTrades: number;
}

/** Merges `from` into `into`; both are of the same symbol and interval and share no trade. */
export function mergeCandlePartial(into: CandlePartial, from: CandlePartial): void {
  if (from.firstAggId < into.firstAggId) {
    into.firstAggId = from.firstAggId;
    into.open = from.open;
  }
  if (from.lastAggId > into.lastAggId) {
    into.lastAggId = from.lastAggId;
    into.close = from.close;
  }
  if (compareScaled(from.high, into.high) > 0) {
    into.high = from.high;
  }
  if (compareScaled(from.low, into.low) < 0) {
    into.low = from.low;
  }
  into.priceTextDecimals = Math.max(into.priceTextDecimals, from.priceTextDecimals);
  addDecimalSum(into.volume, from.volume);
  addDecimalSum(into.quoteVolume, from.quoteVolume);
  addDecimalSum(into.takerBuyVolume, from.takerBuyVolume);
  addDecimalSum(into.takerBuyQuoteVolume, from.takerBuyQuoteVolume);
  into.trades += from.trades;
  into.aggTrades += from.aggTrades;
}

/** A partial as exact decimal text: prices with their printed decimals, volumes with the fewest that hold them. */
export interface CandlePartialText {
  symbol: string;
  openTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  quoteVolume: string;
  takerBuyVolume: string;
  takerBuyQuoteVolume: string;
  trades: number;
  aggTrades: number;
  firstAggId: number;
  lastAggId: number;
}

export function candlePartialText(partial: CandlePartial): CandlePartialText {
  const price = (value: ScaledUnits) => decimalText(value.units, value.scale, partial.priceTextDecimals);
  return {
    symbol: partial.symbol,
    openTime: partial.openTime,
    open: price(partial.open),
    high: price(partial.high),
    low: price(partial.low),
    close: price(partial.close),
    volume: decimalSumText(partial.volume),
    quoteVolume: decimalSumText(partial.quoteVolume),
    takerBuyVolume: decimalSumText(partial.takerBuyVolume),
    takerBuyQuoteVolume: decimalSumText(partial.takerBuyQuoteVolume),
    trades: partial.trades,
    aggTrades: partial.aggTrades,
    firstAggId: partial.firstAggId,
    lastAggId: partial.lastAggId,
  };
}
