import { Injectable } from '@nestjs/common';
import type { AggTrade } from '@binance-rates/domain';
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

export interface StoredTradePosition {
  tradeId: number;
  tradeTime: number;
}

export interface TradeCountAndRange {
  count: number;
  minId: number | null;
  maxId: number | null;
}

/** Inclusive range of missing aggregate ids. */
export interface TradeIdRange {
  fromId: number;
  toId: number;
}

/**
 * From this many rows a batch is first COPied straight into the table; below, one `unnest` statement costs about
 * as much CPU in total (service + PostgreSQL, measured at 100 rows) and handles stored rows without a retry.
 */
export const COPY_THRESHOLD = 200;
/** A batch that COPY refused (rows already stored) goes through the staging table from this many rows up. */
export const STAGE_THRESHOLD = 1_000;

const UNIQUE_VIOLATION = '23505';
const DEADLOCK_DETECTED = '40P01';

// Rows go in `symbol COLLATE "C", trade_id` order on every path (the JS batch is sorted the same way), so
// concurrent writers with overlapping batches wait on each other instead of deadlocking; ON CONFLICT DO NOTHING
// makes replays no-ops.
const INSERT_FROM_UNNEST = `
  INSERT INTO agg_trade (symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time, is_buyer_maker)
  SELECT symbol, trade_id, price, quantity, first_trade_id, last_trade_id,
         timestamptz 'epoch' + trade_time_ms * interval '1 millisecond', is_buyer_maker
  FROM unnest($1::text[], $2::bigint[], $3::numeric[], $4::numeric[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bool[])
    AS t(symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time_ms, is_buyer_maker)
  ORDER BY symbol COLLATE "C", trade_id
  ON CONFLICT DO NOTHING`;

const COPY_COLUMNS = 'symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time, is_buyer_maker';

const INSERT_FROM_STAGE = `
  INSERT INTO agg_trade (${COPY_COLUMNS})
  SELECT ${COPY_COLUMNS} FROM agg_trade_stage
  ORDER BY symbol COLLATE "C", trade_id
  ON CONFLICT DO NOTHING`;

const STAGE_TABLE = `
  CREATE TEMP TABLE IF NOT EXISTS agg_trade_stage (
    symbol text, trade_id bigint, price numeric, quantity numeric, first_trade_id bigint, last_trade_id bigint,
    trade_time timestamptz, is_buyer_maker boolean
  ) ON COMMIT DELETE ROWS`;

const UNSAFE_COPY_TEXT = /[\t\n\r\\]/;
/** Typical text row of a live trade is ~100 bytes; the buffer grows if the batch needs more. */
const COPY_ROW_BYTES_GUESS = 112;

const TRADE_COLUMNS = `
  symbol, trade_id::float8 AS trade_id, price::text AS price, quantity::text AS quantity,
  first_trade_id::float8 AS first_trade_id, last_trade_id::float8 AS last_trade_id,
  (extract(epoch FROM trade_time) * 1000)::float8 AS trade_time, is_buyer_maker`;

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

  /** Stores trades idempotently; returns how many were new. Safe to replay and to race with other writers. */
  async insertBatch(trades: readonly AggTrade[]): Promise<number> {
    if (trades.length === 0) {
      return 0;
    }
    const rows = orderedUnique(trades);
    return rows.length < COPY_THRESHOLD ? this.insertWithUnnest(rows) : this.insertWithCopy(rows);
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
      `${withClause}SELECT ${TRADE_COLUMNS} FROM agg_trade WHERE ${where.join(' AND ')} ORDER BY trade_id LIMIT $${values.length}`,
      values,
    );
    return rows.map(mapTrade);
  }

  /** The newest stored trade per symbol; symbols with no history are absent from the map. */
  async lastStoredTrades(symbols: readonly string[]): Promise<Map<string, StoredTradePosition>> {
    const { rows } = await this.db.pool.query<{ symbol: string; trade_id: number; trade_time: number }>(
      `SELECT s.symbol, t.trade_id, t.trade_time
       FROM unnest($1::text[]) AS s(symbol)
       CROSS JOIN LATERAL (
         SELECT trade_id::float8 AS trade_id, (extract(epoch FROM trade_time) * 1000)::float8 AS trade_time
         FROM agg_trade WHERE agg_trade.symbol = s.symbol ORDER BY trade_id DESC LIMIT 1
       ) AS t`,
      [symbols],
    );
    return new Map(rows.map((row) => [row.symbol, { tradeId: row.trade_id, tradeTime: row.trade_time }]));
  }

  async countAndRange(symbol: string): Promise<TradeCountAndRange> {
    const { rows } = await this.db.pool.query<{ count: number; min_id: number | null; max_id: number | null }>(
      `SELECT count(*)::float8 AS count, min(trade_id)::float8 AS min_id, max(trade_id)::float8 AS max_id
       FROM agg_trade WHERE symbol = $1`,
      [symbol],
    );
    const row = rows[0]!;
    return { count: row.count, minId: row.min_id, maxId: row.max_id };
  }

  /**
   * Ranges of ids missing between stored trades, ascending. With `fromId`, ids from `fromId` up to the first
   * stored trade count as missing too; nothing after the newest stored trade is reported.
   */
  async findIdGaps(symbol: string, { fromId }: { fromId?: number } = {}): Promise<TradeIdRange[]> {
    const { rows } = await this.db.pool.query<{ from_id: number; to_id: number }>(
      `SELECT (prev_id + 1)::float8 AS from_id, (trade_id - 1)::float8 AS to_id
       FROM (
         SELECT trade_id, lag(trade_id, 1, $2::bigint - 1) OVER (ORDER BY trade_id) AS prev_id
         FROM agg_trade
         WHERE symbol = $1 AND ($2::bigint IS NULL OR trade_id >= $2::bigint)
       ) AS ids
       WHERE trade_id > prev_id + 1
       ORDER BY trade_id`,
      [symbol, fromId ?? null],
    );
    return rows.map((row) => ({ fromId: row.from_id, toId: row.to_id }));
  }

  private async insertWithUnnest(trades: readonly AggTrade[], client: Pick<PoolClient, 'query'> = this.db.pool): Promise<number> {
    const symbols: string[] = [];
    const ids: number[] = [];
    const prices: string[] = [];
    const quantities: string[] = [];
    const firstIds: number[] = [];
    const lastIds: number[] = [];
    const times: number[] = [];
    const buyerMakers: boolean[] = [];
    for (const trade of trades) {
      symbols.push(trade.symbol);
      ids.push(trade.tradeId);
      prices.push(trade.price);
      quantities.push(trade.quantity);
      firstIds.push(trade.firstTradeId);
      lastIds.push(trade.lastTradeId);
      times.push(trade.tradeTime);
      buyerMakers.push(trade.isBuyerMaker);
    }
    const { rowCount } = await client.query(INSERT_FROM_UNNEST, [
      symbols,
      ids,
      prices,
      quantities,
      firstIds,
      lastIds,
      times,
      buyerMakers,
    ]);
    return rowCount ?? 0;
  }

  /**
   * Live trades are new, so the batch is first COPied straight into `agg_trade`: one round trip, each row written
   * once. COPY is all-or-nothing, and outside a transaction block it is its own transaction, so when a row is
   * already stored (a replay, a backfill overlap, a racing writer) it leaves nothing behind and the connection is
   * idle again; only then does the batch go through `unnest` or, when large, the staging table, in a fresh
   * transaction.
   */
  private async insertWithCopy(trades: readonly AggTrade[]): Promise<number> {
    const payload = toCopyPayload(trades);
    const client = await this.db.connect();
    let failure: Error | undefined;
    try {
      try {
        await copyIn(client, `COPY agg_trade (${COPY_COLUMNS}) FROM STDIN`, payload);
        return trades.length;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code !== UNIQUE_VIOLATION && code !== DEADLOCK_DETECTED) {
          throw error;
        }
      }
      return trades.length < STAGE_THRESHOLD
        ? await this.insertWithUnnest(trades, client)
        : await this.insertThroughStage(client, payload);
    } catch (error) {
      failure = error as Error;
      throw error;
    } finally {
      // A connection that failed mid-COPY may be in an unknown protocol state: discard it rather than reuse it.
      client.release(failure);
    }
  }

  /** COPY into a session-local staging table, then one set-based insert that skips stored rows. */
  private async insertThroughStage(client: PoolClient, payload: Buffer): Promise<number> {
    if (!this.staged.has(client)) {
      await client.query(STAGE_TABLE);
      this.staged.add(client);
    }
    await client.query('BEGIN');
    try {
      await copyIn(client, 'COPY agg_trade_stage FROM STDIN', payload);
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

/**
 * The batch grouped per symbol (symbols in code-unit order, which matches `COLLATE "C"` for the ASCII symbols
 * Binance uses) with ids ascending and each (symbol, id) once, keeping its first occurrence. Live batches are
 * already ascending per symbol, so the common case only groups.
 */
function orderedUnique(trades: readonly AggTrade[]): AggTrade[] {
  const groups = new Map<string, AggTrade[]>();
  let unordered: Set<AggTrade[]> | null = null;
  for (const trade of trades) {
    const group = groups.get(trade.symbol);
    if (group === undefined) {
      groups.set(trade.symbol, [trade]);
    } else {
      if (trade.tradeId <= group[group.length - 1]!.tradeId) {
        (unordered ??= new Set()).add(group);
      }
      group.push(trade);
    }
  }
  if (groups.size === 1 && unordered === null) {
    return trades as AggTrade[];
  }
  const symbols = [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: AggTrade[] = [];
  for (const symbol of symbols) {
    const group = groups.get(symbol)!;
    if (unordered === null || !unordered.has(group)) {
      for (const trade of group) {
        out.push(trade);
      }
      continue;
    }
    // Array.prototype.sort is stable, so the first occurrence of a duplicate comes first and is the one kept.
    group.sort((a, b) => a.tradeId - b.tradeId);
    let last = NaN;
    for (const trade of group) {
      if (trade.tradeId !== last) {
        out.push(trade);
        last = trade.tradeId;
      }
    }
  }
  return out;
}

/**
 * The COPY payload in text format, written row by row into one buffer (joining many small strings costs several
 * times more on large batches). The time goes as ISO-8601 UTC, formatted once per second of trades and reused.
 */
function toCopyPayload(trades: readonly AggTrade[]): Buffer {
  let buffer = Buffer.allocUnsafe(trades.length * COPY_ROW_BYTES_GUESS);
  let length = 0;
  let second = NaN;
  let secondPrefix = '';
  for (const t of trades) {
    if (UNSAFE_COPY_TEXT.test(t.symbol) || UNSAFE_COPY_TEXT.test(t.price) || UNSAFE_COPY_TEXT.test(t.quantity)) {
      throw new Error(`Trade ${t.symbol}#${t.tradeId} has control characters in a text field`);
    }
    const time = t.tradeTime;
    if (!Number.isSafeInteger(time)) {
      throw new Error(`Trade ${t.symbol}#${t.tradeId} has a trade time that is not whole milliseconds: ${time}`);
    }
    const ms = ((time % 1000) + 1000) % 1000;
    if (time - ms !== second) {
      second = time - ms;
      // "2024-01-01T00:00:01." of "2024-01-01T00:00:01.000Z"; throws a RangeError for a time Date cannot hold.
      secondPrefix = new Date(second).toISOString().slice(0, -4);
    }
    const line =
      `${t.symbol}\t${t.tradeId}\t${t.price}\t${t.quantity}\t${t.firstTradeId}\t${t.lastTradeId}\t` +
      `${secondPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z\t${t.isBuyerMaker ? 't' : 'f'}\n`;
    if (length + line.length * 3 > buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, length + line.length * 3));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    length += buffer.write(line, length, 'utf8');
  }
  return buffer.subarray(0, length);
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
