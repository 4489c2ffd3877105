import { MAX_SAFE_UNITS, decimalSum } from './candle-decimal';
import { type CandlePartial, mergeCandlePartial } from './candle-partial';
import type { TradeRun } from './trade-run';

/**
 * Folds trade runs into one CandlePartial per (symbol, interval of `intervalMs` from the epoch): the candles the runs'
 * trades add to. Runs may come in any order and several per symbol, as long as no trade comes twice.
 *
 * This runs on the history's write path for every trade, so the loop over a run's trades keeps every sum in a plain
 * number: units are safe integers, so a product or a sum is exact whenever it stays at or below 2^53, and the rare
 * one that would not goes to a BigInt instead.
 */
export class CandleFold {
  private readonly bySymbol = new Map<string, Map<number, CandlePartial>>();

  constructor(private readonly intervalMs: number) {}

  add(run: TradeRun): void {
    const { count, time, priceUnits, quantityUnits, firstTradeId, lastTradeId, buyerMaker, priceScale, quantityScale } = run;
    // Every index below is under `count`, within the columns: `as number` drops the `undefined` the compiler assumes.
    const intervalMs = this.intervalMs;
    let candles = this.bySymbol.get(run.symbol);
    if (candles === undefined) {
      candles = new Map();
      this.bySymbol.set(run.symbol, candles);
    }
    let i = 0;
    while (i < count) {
      const start = i;
      const openTime = (time[i] as number) - ((time[i] as number) % intervalMs);
      const closesAt = openTime + intervalMs;
      let high = priceUnits[i] as number;
      let low = high;
      let volume = 0;
      let quote = 0;
      let takerVolume = 0;
      let takerQuote = 0;
      let volumeBig = 0n;
      let quoteBig = 0n;
      let takerVolumeBig = 0n;
      let takerQuoteBig = 0n;
      let trades = 0;
      for (; i < count && (time[i] as number) < closesAt; i++) {
        const price = priceUnits[i] as number;
        const quantity = quantityUnits[i] as number;
        if (price > high) {
          high = price;
        } else if (price < low) {
          low = price;
        }
        trades += (lastTradeId[i] as number) - (firstTradeId[i] as number) + 1;
        // A float sum of two safe integers is at most 2^53 − 1 exactly when the true sum is, and then it is exact.
        const product = price * quantity;
        const nextVolume = volume + quantity;
        const nextQuote = quote + product;
        if (nextVolume <= MAX_SAFE_UNITS) {
          volume = nextVolume;
        } else {
          volumeBig += BigInt(quantity);
        }
        if (nextQuote <= MAX_SAFE_UNITS) {
          quote = nextQuote;
        } else {
          quoteBig += product <= MAX_SAFE_UNITS ? BigInt(product) : BigInt(price) * BigInt(quantity);
        }
        if (buyerMaker[i] === 0) {
          const nextTakerVolume = takerVolume + quantity;
          const nextTakerQuote = takerQuote + product;
          if (nextTakerVolume <= MAX_SAFE_UNITS) {
            takerVolume = nextTakerVolume;
          } else {
            takerVolumeBig += BigInt(quantity);
          }
          if (nextTakerQuote <= MAX_SAFE_UNITS) {
            takerQuote = nextTakerQuote;
          } else {
            takerQuoteBig += product <= MAX_SAFE_UNITS ? BigInt(product) : BigInt(price) * BigInt(quantity);
          }
        }
      }
      const quoteScale = priceScale + quantityScale;
      const partial: CandlePartial = {
        symbol: run.symbol,
        openTime,
        firstAggId: run.firstId + start,
        lastAggId: run.firstId + i - 1,
        open: { units: priceUnits[start] as number, scale: priceScale },
        close: { units: priceUnits[i - 1] as number, scale: priceScale },
        high: { units: high, scale: priceScale },
        low: { units: low, scale: priceScale },
        priceTextDecimals: run.priceTextDecimals,
        volume: decimalSum(volume, volumeBig, quantityScale),
        quoteVolume: decimalSum(quote, quoteBig, quoteScale),
        takerBuyVolume: decimalSum(takerVolume, takerVolumeBig, quantityScale),
        takerBuyQuoteVolume: decimalSum(takerQuote, takerQuoteBig, quoteScale),
        trades,
        aggTrades: i - start,
      };
      const existing = candles.get(openTime);
      if (existing === undefined) {
        candles.set(openTime, partial);
      } else {
        mergeCandlePartial(existing, partial);
      }
    }
  }

  /**
   * Every partial, by symbol in byte order (PostgreSQL's "C" collation) and then by open time: the order in which
   * concurrent writers lock rows, so that they never deadlock.
   */
  partials(): CandlePartial[] {
    const bySymbol = [...this.bySymbol.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return bySymbol.flatMap(([, candles]) => [...candles.values()].sort((a, b) => a.openTime - b.openTime));
  }
}
