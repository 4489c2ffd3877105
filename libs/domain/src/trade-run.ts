/**
 * Consecutive aggregate trades of one symbol as columns: ids `firstId` to `firstId + count - 1`, none missing, in id
 * order. It is the unit the history is written, compacted and rolled up in: one stored row holds one run (or, once
 * compacted, one block of runs merged), so PostgreSQL pays per run instead of per trade.
 *
 * Prices and quantities are exact decimals held as integers: `priceUnits[i] × 10^-priceScale`. The scale is the
 * fewest decimals that hold every value of the run exactly (0.01-tick prices have scale 2 however Binance pads them;
 * a slice keeps the scale of the run it was cut from),
 * so units stay small and their differences smaller; the text is rebuilt with `priceTextDecimals` decimals, the number
 * Binance printed (always 8 today), so every value reads back exactly as it arrived. A run never mixes two text
 * widths. The column arrays may be longer than `count`; only the first `count` entries belong to the run.
 */
export interface TradeRun {
  readonly symbol: string;
  readonly firstId: number;
  readonly count: number;
  readonly firstTradeId: Float64Array;
  readonly lastTradeId: Float64Array;
  /** Epoch milliseconds; never decreases along the run. */
  readonly time: Float64Array;
  readonly priceUnits: Float64Array;
  readonly priceScale: number;
  readonly priceTextDecimals: number;
  readonly quantityUnits: Float64Array;
  readonly quantityScale: number;
  readonly quantityTextDecimals: number;
  /** 1 when the buyer was the maker (the taker sold), else 0. */
  readonly buyerMaker: Uint8Array;
}

/** The aggregate id of a run's last trade. */
export function lastIdOf(run: TradeRun): number {
  return run.firstId + run.count - 1;
}
