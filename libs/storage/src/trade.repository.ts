import { Injectable } from '@nestjs/common';
import type { AggTrade, Candle } from '@binance-rates/domain';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DatabaseClient } from './database.client';

export interface FindTradesParams {
  symbol: string;
  /** Inclusive lower bound on the aggregate id. */
  fromId?: number;
  /** Inclusive bounds on the trade time, epoch milliseconds. */
  startTime?: number;
  endTime?: number;
  limit: number;
}

export interface FindCandlesParams {
  symbol: string;
  intervalMs: number;
  /** Inclusive epoch-ms bounds; the caller keeps them to whole intervals (see candleWindow). */
  startTime: number;
  endTime: number;
  /** PostgreSQL cancels the query after this long (statement_timeout): a window of years of trades is refused. */
  timeoutMs: number;
}

/** A query cancelled by its statement timeout. */
export class StatementTimeoutError extends Error {
  override readonly name = 'StatementTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`the query did not finish within ${timeoutMs} ms`);
  }
}

export interface StoredTradePosition {
  tradeId: number;
  tradeTime: number;
}

const UNIQUE_VIOLATION = '23505';
const DEADLOCK_DETECTED = '40P01';
const QUERY_CANCELED = '57014';
const STAGE_ATTEMPTS = 3;

const COPY_COLUMNS = 'symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time, is_buyer_maker';

// Rows go in `symbol COLLATE "C", trade_id` order (then first occurrence first), the order TradeCopyBatch seals
// live rows in, so concurrent writers with overlapping batches wait on each other instead of deadlocking; ON
// CONFLICT DO NOTHING makes replays and duplicates no-ops.
const INSERT_FROM_STAGE = `
  INSERT INTO agg_trade (${COPY_COLUMNS})
  SELECT ${COPY_COLUMNS} FROM agg_trade_stage
  ORDER BY symbol COLLATE "C", trade_id, seq
  ON CONFLICT DO NOTHING`;

const STAGE_TABLE = `
  CREATE TEMP TABLE IF NOT EXISTS agg_trade_stage (
    symbol text, trade_id bigint, price numeric, quantity numeric, first_trade_id bigint, last_trade_id bigint,
    trade_time timestamptz, is_buyer_maker boolean, seq bigserial
  ) ON COMMIT DELETE ROWS`;

const TRADE_COLUMNS = `
  symbol, trade_id::float8 AS trade_id, price::text AS price, quantity::text AS quantity,
  first_trade_id::float8 AS first_trade_id, last_trade_id::float8 AS last_trade_id,
  (extract(epoch FROM trade_time) * 1000)::float8 AS trade_time, is_buyer_maker`;

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

interface TradeRow {
  symbol: string;
  trade_id: number;
  price: string;
  quantity: string;
  first_trade_id: number;
  last_trade_id: number;
  trade_time: number;
  is_buyer_maker: boolean;
}

/**
 * Trade history: the hot write path. Raw SQL on the shared pool; bigint ids are read back as float8, which is
 * exact below 2^53 (Binance ids are far below), and decimals as their exact stored text.
 */
@Injectable()
export class TradeRepository {
  /** Connections that already have the session-local staging table. */
  private readonly staged = new WeakSet<PoolClient>();

  constructor(private readonly db: DatabaseClient) {}

  /**
   * Stores the sealed rows of a TradeCopyBatch idempotently; returns how many were new. Live rows are new, so they
   * are first COPied straight into `agg_trade`: one round trip, each row written once. COPY is all-or-nothing, and
   * outside a transaction block it is its own transaction, so when a row is already stored (a replay, a backfill
   * overlap, a racing writer) it leaves nothing behind and the connection is idle again; only then do the rows go
   * through a staging table and one set-based insert that skips stored rows, in a fresh transaction.
   */
  async insertCopyRows(payload: Buffer, rows: number): Promise<number> {
    if (rows === 0) {
      return 0;
    }
    const client = await this.db.connect();
    let failure: Error | undefined;
    try {
      try {
        await copyIn(client, `COPY agg_trade (${COPY_COLUMNS}) FROM STDIN`, payload);
        return rows;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code !== UNIQUE_VIOLATION && code !== DEADLOCK_DETECTED) {
          throw error;
        }
      }
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await this.insertThroughStage(client, payload);
        } catch (error) {
          // Batches whose rows are not in ascending order per symbol can still deadlock with a racing writer;
          // the victim's transaction rolled back, so trying again is safe.
          if ((error as { code?: unknown }).code !== DEADLOCK_DETECTED || attempt === STAGE_ATTEMPTS) {
            throw error;
          }
        }
      }
    } catch (error) {
      failure = error as Error;
      throw error;
    } finally {
      // A connection that failed mid-COPY may be in an unknown protocol state: discard it rather than reuse it.
      client.release(failure);
    }
  }

  /**
   * Time bounds are turned into id bounds first (see idBoundSearch), so every query walks the primary key from where
   * its answer starts and stops where it ends; the time conditions stay as filters, so the answer is exact.
   */
  async findTrades({ symbol, fromId, startTime, endTime, limit }: FindTradesParams): Promise<AggTrade[]> {
    const values: unknown[] = [symbol];
    const searches: string[] = [];
    const where = ['symbol = $1'];
    if (fromId !== undefined) {
      values.push(fromId);
      where.push(`trade_id >= $${values.length}`);
    }
    if (startTime !== undefined) {
      values.push(startTime);
      const time = `timestamptz 'epoch' + $${values.length}::bigint * interval '1 millisecond'`;
      searches.push(idBoundSearch('start_bound', '<', time));
      where.push(`trade_id >= (SELECT max(lo) FROM start_bound)`, `trade_time >= ${time}`);
    }
    if (endTime !== undefined) {
      values.push(endTime);
      const time = `timestamptz 'epoch' + $${values.length}::bigint * interval '1 millisecond'`;
      searches.push(idBoundSearch('end_bound', '<=', time));
      where.push(`trade_id < (SELECT max(lo) FROM end_bound)`, `trade_time <= ${time}`);
    }
    values.push(limit);
    const withClause = searches.length > 0 ? `WITH RECURSIVE ${searches.join(', ')} ` : '';
    const { rows } = await this.db.pool.query<TradeRow>(
      `${withClause}SELECT ${TRADE_COLUMNS} FROM agg_trade WHERE ${where.join(' AND ')} ORDER BY agg_trade.trade_id LIMIT $${values.length}`,
      values,
    );
    return rows.map(mapTrade);
  }

  /**
   * Candles of the stored trades between two times: the trades are found by the same id-bound search as
   * `findTrades` (a primary-key range, no time index), grouped by interval in one hashed pass, and each candle's open
   * and close are read by primary key from its first and last trade id. Intervals without a stored trade are absent.
   * Cost grows with the trades in the window: ~1 µs per trade on this machine.
   */
  async findCandles({ symbol, intervalMs, startTime, endTime, timeoutMs }: FindCandlesParams): Promise<Candle[]> {
    const start = `timestamptz 'epoch' + $3::bigint * interval '1 millisecond'`;
    const end = `timestamptz 'epoch' + $4::bigint * interval '1 millisecond'`;
    const client = await this.db.connect();
    let rows: CandleRow[];
    let broken: Error | undefined;
    try {
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.max(1, Math.trunc(timeoutMs))}`);
      ({ rows } = await client.query<CandleRow>(
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
         SELECT (extract(epoch FROM b.bucket) * 1000)::float8 AS open_time, o.price::text AS open, b.high::text AS high, b.low::text AS low,
                c.price::text AS close, trim_scale(b.volume)::text AS volume, trim_scale(b.quote_volume)::text AS quote_volume,
                b.trades::float8 AS trades, b.first_id::float8 AS first_trade_id, b.last_id::float8 AS last_trade_id
         FROM bucket b
         JOIN agg_trade o ON o.symbol = $1 AND o.trade_id = b.first_id
         JOIN agg_trade c ON c.symbol = $1 AND c.trade_id = b.last_id`,
        [symbol, intervalMs, startTime, endTime],
      ));
      await client.query('COMMIT');
    } catch (error) {
      if ((error as { code?: unknown }).code === QUERY_CANCELED) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new StatementTimeoutError(timeoutMs);
      }
      broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
    // Sorted here: with an ORDER BY, PostgreSQL (which cannot estimate the id range) sorts every trade of the window
    // by interval to group them, spilling to disk for large windows (a day of 1.9M trades: 3.5 s instead of 1.8 s).
    rows.sort((a, b) => a.open_time - b.open_time);
    return rows.map((row) => ({
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
    }));
  }

  /** The newest stored trade per symbol; symbols with no history are absent from the map. */
  async lastStoredTrades(symbols: readonly string[]): Promise<Map<string, StoredTradePosition>> {
    const { rows } = await this.db.pool.query<{ symbol: string; trade_id: number; trade_time: number }>(
      `SELECT s.symbol, t.trade_id, t.trade_time
       FROM unnest($1::text[]) AS s(symbol)
       CROSS JOIN LATERAL (
         SELECT trade_id::float8 AS trade_id, (extract(epoch FROM trade_time) * 1000)::float8 AS trade_time
         FROM agg_trade WHERE agg_trade.symbol = s.symbol ORDER BY agg_trade.trade_id DESC LIMIT 1
       ) AS t`,
      [symbols],
    );
    return new Map(rows.map((row) => [row.symbol, { tradeId: row.trade_id, tradeTime: row.trade_time }]));
  }

  /** COPY into a session-local staging table, then one set-based insert that skips stored rows. */
  private async insertThroughStage(client: PoolClient, payload: Buffer): Promise<number> {
    if (!this.staged.has(client)) {
      await client.query(STAGE_TABLE);
      this.staged.add(client);
    }
    await client.query('BEGIN');
    try {
      await copyIn(client, `COPY agg_trade_stage (${COPY_COLUMNS}) FROM STDIN`, payload);
      const { rowCount } = await client.query(INSERT_FROM_STAGE);
      await client.query('COMMIT');
      return rowCount ?? 0;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}

/**
 * A recursive CTE `name(lo, hi)` whose largest `lo` is the first stored id of symbol $1 whose trade time is not
 * `operator time` (or one past the newest id when all are), by binary search over the primary key: the history keeps no
 * time index, because trade time never decreases along a symbol's aggregate ids and an index on it would cost a
 * large share of the insert work. Invariant: stored ids below `lo` are `operator time`, stored ids from `hi` up are not.
 * Each step probes the first stored row at or after the midpoint, so holes in the ids are fine; about 32 probes for
 * a span of 4 billion ids.
 */
function idBoundSearch(name: string, operator: '<' | '<=', time: string): string {
  return `${name}(lo, hi) AS (
    SELECT (SELECT min(trade_id) FROM agg_trade WHERE symbol = $1), (SELECT max(trade_id) + 1 FROM agg_trade WHERE symbol = $1)
    UNION ALL
    SELECT CASE WHEN probe.passes THEN probe.trade_id + 1 ELSE b.lo END,
           CASE WHEN probe.passes THEN b.hi ELSE (b.lo + b.hi) / 2 END
    FROM ${name} AS b
    CROSS JOIN LATERAL (
      SELECT coalesce(bool_or(p.trade_id < b.hi AND p.trade_time ${operator} ${time}), false) AS passes, max(p.trade_id) AS trade_id
      FROM (SELECT trade_id, trade_time FROM agg_trade
            WHERE symbol = $1 AND trade_id >= (b.lo + b.hi) / 2 ORDER BY trade_id LIMIT 1) AS p
    ) AS probe
    WHERE b.lo < b.hi
  )`;
}

/**
 * Sends `payload` as the whole COPY data and ends the stream once it has left, unless the server already failed
 * the COPY (pg-copy-streams drops its connection on an error, so ending it then would only raise a second error).
 * After an error the server ignores the COPY data still arriving and answers ReadyForQuery, and pg queues the next
 * query until then, so the connection stays usable.
 */
function copyIn(client: PoolClient, sql: string, payload: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    let failed = false;
    stream.on('error', (error: Error) => {
      failed = true;
      reject(error);
    });
    stream.on('finish', resolve);
    stream.write(payload, (error) => {
      if (!error && !failed) {
        stream.end();
      }
    });
  });
}

function mapTrade(row: TradeRow): AggTrade {
  return {
    symbol: row.symbol,
    tradeId: row.trade_id,
    price: row.price,
    quantity: row.quantity,
    firstTradeId: row.first_trade_id,
    lastTradeId: row.last_trade_id,
    tradeTime: row.trade_time,
    isBuyerMaker: row.is_buyer_maker,
  };
}
