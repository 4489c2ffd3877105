import { Injectable } from '@nestjs/common';
import { CandleFold, type TradeRun, candlePartialText } from '@binance-rates/domain';
import type { PoolClient } from 'pg';
import { LATE_WRITE_AFTER_MS } from './candle-rollup.timing';

const MINUTE = 60_000;

/**
 * Merges one batch of 1m candles into candle_1m, and marks the days of minutes written late (see LATE_WRITE_AFTER_MS)
 * for the rollup job. Rows come in (symbol "C", open time) order, the order every writer locks them in.
 */
const MERGE_SQL = `
WITH input AS (
  SELECT t.symbol, timestamptz 'epoch' + t.open_ms * interval '1 millisecond' AS open_time, t.open, t.high, t.low, t.close,
         t.volume, t.quote_volume, t.taker_buy_volume, t.taker_buy_quote_volume, t.trades, t.agg_trades, t.first_agg_id,
         t.last_agg_id, t.position
  FROM unnest($1::text[], $2::bigint[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[],
              $9::numeric[], $10::numeric[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[])
       WITH ORDINALITY AS t(symbol, open_ms, open, high, low, close, volume, quote_volume, taker_buy_volume, taker_buy_quote_volume,
                            trades, agg_trades, first_agg_id, last_agg_id, position)
), merged AS (
  INSERT INTO candle_1m AS c (symbol, open_time, open, high, low, close, volume, quote_volume, taker_buy_volume,
                              taker_buy_quote_volume, trades, agg_trades, first_agg_id, last_agg_id)
  SELECT symbol, open_time, open, high, low, close, volume, quote_volume, taker_buy_volume, taker_buy_quote_volume, trades,
         agg_trades, first_agg_id, last_agg_id
  FROM input ORDER BY position
  ON CONFLICT (symbol, open_time) DO UPDATE SET
    open = CASE WHEN excluded.first_agg_id < c.first_agg_id THEN excluded.open ELSE c.open END,
    close = CASE WHEN excluded.last_agg_id > c.last_agg_id THEN excluded.close ELSE c.close END,
    high = greatest(c.high, excluded.high),
    low = least(c.low, excluded.low),
    volume = c.volume + excluded.volume,
    quote_volume = c.quote_volume + excluded.quote_volume,
    taker_buy_volume = c.taker_buy_volume + excluded.taker_buy_volume,
    taker_buy_quote_volume = c.taker_buy_quote_volume + excluded.taker_buy_quote_volume,
    trades = c.trades + excluded.trades,
    agg_trades = c.agg_trades + excluded.agg_trades,
    first_agg_id = least(c.first_agg_id, excluded.first_agg_id),
    last_agg_id = greatest(c.last_agg_id, excluded.last_agg_id)
)
INSERT INTO candle_rollup_pending (symbol, day)
SELECT DISTINCT symbol, date_bin(interval '1 day', open_time, timestamptz 'epoch') FROM input
WHERE open_time < now() - $15::bigint * interval '1 millisecond'`;

/**
 * Keeps the 1m candles of the stored trades. The history writer calls `add` inside the transaction that stores the
 * trades, with exactly the trades that transaction newly stored, so the candles count every stored trade once: a
 * crash rolls both back, and a trade stored twice (a replay, an overlap) was trimmed before it got here. Coarser
 * candles are rolled up from these by CandleRollupRepository.
 */
@Injectable()
export class CandleRollupWriter {
  async add(client: PoolClient, runs: readonly TradeRun[]): Promise<void> {
    const fold = new CandleFold(MINUTE);
    for (const run of runs) {
      if (run.count > 0) {
        fold.add(run);
      }
    }
    const candles = fold.partials().map(candlePartialText);
    if (candles.length === 0) {
      return;
    }
    const column = <K extends keyof (typeof candles)[number]>(key: K) => candles.map((candle) => candle[key]);
    await client.query(MERGE_SQL, [
      column('symbol'),
      column('openTime'),
      column('open'),
      column('high'),
      column('low'),
      column('close'),
      column('volume'),
      column('quoteVolume'),
      column('takerBuyVolume'),
      column('takerBuyQuoteVolume'),
      column('trades'),
      column('aggTrades'),
      column('firstAggId'),
      column('lastAggId'),
      LATE_WRITE_AFTER_MS,
    ]);
  }
}
