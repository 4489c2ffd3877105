/** The stored candle levels, finest first: each rolled up from the one before it. */
export interface CandleLevel {
  readonly table: 'candle_1m' | 'candle_15m' | 'candle_1h' | 'candle_1d';
  readonly ms: number;
}

const MINUTE = 60_000;

export const CANDLE_LEVELS: readonly CandleLevel[] = Object.freeze([
  { table: 'candle_1m', ms: MINUTE },
  { table: 'candle_15m', ms: 15 * MINUTE },
  { table: 'candle_1h', ms: 60 * MINUTE },
  { table: 'candle_1d', ms: 24 * 60 * MINUTE },
]);

export const CANDLE_COLUMNS =
  'symbol, open_time, open, high, low, close, volume, quote_volume, taker_buy_volume, taker_buy_quote_volume, trades, agg_trades, first_agg_id, last_agg_id';

/**
 * The aggregates that merge the candles of `source` rows into one: open and close of the lowest and highest aggregate
 * id, extremes, sums. Used by the rollup job and by reads, so both merge the same way.
 */
export function mergedCandleColumns(source: string): string {
  // The open of the least first id as the least of [first id, open] arrays: one pass, no sort per group.
  return `(min(ARRAY[${source}.first_agg_id::numeric, ${source}.open]))[2] AS open, max(${source}.high) AS high, min(${source}.low) AS low,
    (max(ARRAY[${source}.last_agg_id::numeric, ${source}.close]))[2] AS close, sum(${source}.volume) AS volume,
    sum(${source}.quote_volume) AS quote_volume, sum(${source}.taker_buy_volume) AS taker_buy_volume,
    sum(${source}.taker_buy_quote_volume) AS taker_buy_quote_volume, sum(${source}.trades)::bigint AS trades,
    sum(${source}.agg_trades)::bigint AS agg_trades, min(${source}.first_agg_id) AS first_agg_id, max(${source}.last_agg_id) AS last_agg_id`;
}

/** Every symbol that has rows in `table`, one primary-key probe per symbol (a loose index scan). */
export function symbolsOf(table: string): string {
  return `symbols AS (
    (SELECT symbol FROM ${table} ORDER BY symbol LIMIT 1)
    UNION ALL
    SELECT (SELECT t.symbol FROM ${table} t WHERE t.symbol > s.symbol ORDER BY t.symbol LIMIT 1) FROM symbols s WHERE s.symbol IS NOT NULL
  )`;
}
