import { Injectable } from '@nestjs/common';
import type { Candle } from '@binance-rates/domain';
import { DatabaseClient } from './database.client';
import { idBoundSearch } from './id-bound-search';
import { PgErrorCode, pgErrorCode } from './pg-error';
import { epochMs, fromEpochMs } from './sql-time';
import { StatementTimeoutError } from './statement-timeout.error';

export interface FindCandlesParams {
  symbol: string;
  intervalMs: number;
  /** Inclusive epoch-ms bounds; the caller keeps them to whole intervals (see candleWindow). */
  startTime: number;
  endTime: number;
  /** PostgreSQL cancels the query after this long (statement_timeout): a window of years of trades is refused. */
  timeoutMs: number;
}

interface CandleRow {
  open_time: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  quote_volume: string;
  trades: number;
  first_trade_id: number;
  last_trade_id: number;
}

/** Candles computed from the stored trades on demand; no candle is stored. */
@Injectable()
export class CandleRepository {
  constructor(private readonly db: DatabaseClient) {}

  /**
   * Candles of the stored trades between two times: the trades are found by the same id-bound search as
   * `TradeRepository.findTrades` (a primary-key range, no time index), grouped by interval in one hashed pass, and
   * each candle's open and close are read by primary key from its first and last trade id. Intervals without a
   * stored trade are absent. Cost grows with the trades in the window, about 1 µs per trade.
   */
  async findCandles({ symbol, intervalMs, startTime, endTime, timeoutMs }: FindCandlesParams): Promise<Candle[]> {
    const start = fromEpochMs('$3');
    const end = fromEpochMs('$4');
    let rows: CandleRow[];
    try {
      rows = await this.db.transaction(
        async (client) =>
          (
            await client.query<CandleRow>(
              `WITH RECURSIVE ${idBoundSearch('start_bound', '<', start)}, ${idBoundSearch('end_bound', '<=', end)},
               bucket AS (
                 SELECT date_bin($2::bigint * interval '1 millisecond', trade_time, timestamptz 'epoch') AS bucket,
                        min(trade_id) AS first_id, max(trade_id) AS last_id, max(price) AS high, min(price) AS low,
                        sum(quantity) AS volume, sum(price * quantity) AS quote_volume, count(*) AS trades
                 FROM agg_trade
                 WHERE symbol = $1 AND trade_id >= (SELECT max(lo) FROM start_bound) AND trade_id < (SELECT max(lo) FROM end_bound)
                   AND trade_time >= ${start} AND trade_time <= ${end}
                 GROUP BY 1
               )
               SELECT ${epochMs('b.bucket')} AS open_time, o.price::text AS open, b.high::text AS high, b.low::text AS low,
                      c.price::text AS close, trim_scale(b.volume)::text AS volume, trim_scale(b.quote_volume)::text AS quote_volume,
                      b.trades::float8 AS trades, b.first_id::float8 AS first_trade_id, b.last_id::float8 AS last_trade_id
               FROM bucket b
               JOIN agg_trade o ON o.symbol = $1 AND o.trade_id = b.first_id
               JOIN agg_trade c ON c.symbol = $1 AND c.trade_id = b.last_id`,
              [symbol, intervalMs, startTime, endTime],
            )
          ).rows,
        { readOnly: true, statementTimeoutMs: timeoutMs },
      );
    } catch (error) {
      throw pgErrorCode(error) === PgErrorCode.queryCanceled ? new StatementTimeoutError(timeoutMs) : error;
    }
    // Sorted here: with an ORDER BY, PostgreSQL (which cannot estimate the id range) sorts every trade of the window
    // by interval to group them, spilling to disk for large windows (twice the time for a day of 1.9M trades).
    rows.sort((a, b) => a.open_time - b.open_time);
    return rows.map(mapCandle);
  }
}

function mapCandle(row: CandleRow): Candle {
  return {
    openTime: row.open_time,
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    volume: row.volume,
    quoteVolume: row.quote_volume,
    trades: row.trades,
    firstTradeId: row.first_trade_id,
    lastTradeId: row.last_trade_id,
  };
}
