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

/** Below this many rows one `unnest` statement beats COPY's four round trips (see libs/storage/README.md). */
export const COPY_THRESHOLD = 1_000;

/** Columns shared by both insert paths; the time arrives as epoch ms and is converted exactly in SQL. */
const INSERT_FROM = (source: string) => `
  INSERT INTO agg_trade (symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time, is_buyer_maker)
  SELECT symbol, trade_id, price, quantity, first_trade_id, last_trade_id,
         timestamptz 'epoch' + trade_time_ms * interval '1 millisecond', is_buyer_maker
  FROM ${source}
  ORDER BY symbol, trade_id
  ON CONFLICT DO NOTHING`;
// ORDER BY gives concurrent writers the same key order, so overlapping batches wait on each other instead of
// deadlocking; ON CONFLICT DO NOTHING makes replays and in-batch duplicates no-ops.

const STAGE_TABLE = `
  CREATE TEMP TABLE IF NOT EXISTS agg_trade_stage (
    symbol text, trade_id bigint, price numeric, quantity numeric, first_trade_id bigint, last_trade_id bigint,
    trade_time_ms bigint, is_buyer_maker boolean
  ) ON COMMIT DELETE ROWS`;

const UNSAFE_COPY_TEXT = /[\t\n\r\\]/;

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
    return trades.length < COPY_THRESHOLD ? this.insertWithUnnest(trades) : this.insertWithCopy(trades);
  }

  async findTrades({ symbol, fromId, startTime, endTime, limit }: FindTradesParams): Promise<AggTrade[]> {
    const values: unknown[] = [symbol];
    const where = ['symbol = $1'];
    if (fromId !== undefined) {
      values.push(fromId);
      where.push(`trade_id >= $${values.length}`);
    }
    if (startTime !== undefined) {
      values.push(startTime);
      where.push(`trade_time >= timestamptz 'epoch' + $${values.length}::bigint * interval '1 millisecond'`);
    }
    if (endTime !== undefined) {
      values.push(endTime);
      where.push(`trade_time <= timestamptz 'epoch' + $${values.length}::bigint * interval '1 millisecond'`);
    }
    values.push(limit);
    const { rows } = await this.db.pool.query<TradeRow>(
      `SELECT ${TRADE_COLUMNS} FROM agg_trade WHERE ${where.join(' AND ')} ORDER BY trade_id LIMIT $${values.length}`,
      values,
    );
    return rows.map(mapTrade);
  }

  async lastStoredTrade(symbol: string): Promise<StoredTradePosition | null> {
    const positions = await this.lastStoredTrades([symbol]);
    return positions.get(symbol) ?? null;
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

  private async insertWithUnnest(trades: readonly AggTrade[]): Promise<number> {
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
    const { rowCount } = await this.db.pool.query(
      INSERT_FROM(`unnest($1::text[], $2::bigint[], $3::numeric[], $4::numeric[], $5::bigint[], $6::bigint[],
        $7::bigint[], $8::bool[])
        AS t(symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time_ms, is_buyer_maker)`),
      [symbols, ids, prices, quantities, firstIds, lastIds, times, buyerMakers],
    );
    return rowCount ?? 0;
  }

  /** COPY into a session-local staging table, then one set-based insert, all in one transaction. */
  private async insertWithCopy(trades: readonly AggTrade[]): Promise<number> {
    const text = toCopyText(trades);
    const client = await this.db.connect();
    let failure: Error | undefined;
    try {
      if (!this.staged.has(client)) {
        await client.query(STAGE_TABLE);
        this.staged.add(client);
      }
      await client.query('BEGIN');
      await new Promise<void>((resolve, reject) => {
        const stream = client.query(copyFrom('COPY agg_trade_stage FROM STDIN'));
        stream.on('error', reject);
        stream.on('finish', resolve);
        stream.end(text);
      });
      const { rowCount } = await client.query(INSERT_FROM('agg_trade_stage'));
      await client.query('COMMIT');
      return rowCount ?? 0;
    } catch (error) {
      failure = error as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // A connection that failed mid-COPY may be in an unknown protocol state: discard it rather than reuse it.
      client.release(failure);
    }
  }
}

function toCopyText(trades: readonly AggTrade[]): string {
  let text = '';
  for (const t of trades) {
    if (UNSAFE_COPY_TEXT.test(t.symbol) || UNSAFE_COPY_TEXT.test(t.price) || UNSAFE_COPY_TEXT.test(t.quantity)) {
      throw new Error(`Trade ${t.symbol}#${t.tradeId} has control characters in a text field`);
    }
    text += `${t.symbol}\t${t.tradeId}\t${t.price}\t${t.quantity}\t${t.firstTradeId}\t${t.lastTradeId}\t${t.tradeTime}\t${t.isBuyerMaker ? 't' : 'f'}\n`;
  }
  return text;
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
