import { Injectable } from '@nestjs/common';
import type { AggTrade } from '@binance-rates/domain';
import { DatabaseClient } from './database.client';
import { idBoundSearch } from './id-bound-search';
import { epochMs, fromEpochMs } from './sql-time';

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

/** A symbol's newest stored trade as a latest price. */
export interface StoredTradePrice extends StoredTradePosition {
  price: string;
}

const TRADE_COLUMNS = `
  symbol, trade_id::float8 AS trade_id, price::text AS price, quantity::text AS quantity,
  first_trade_id::float8 AS first_trade_id, last_trade_id::float8 AS last_trade_id,
  ${epochMs('trade_time')} AS trade_time, is_buyer_maker`;

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
 * Reads of the stored trade history (TradeCopyWriter writes it). Bigint ids are read back as float8, which is exact
 * below 2^53 (Binance ids are far below), and decimals as their exact stored text.
 */
@Injectable()
export class TradeRepository {
  constructor(private readonly db: DatabaseClient) {}

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
      const time = fromEpochMs(`$${values.length}`);
      searches.push(idBoundSearch('start_bound', '<', time));
      where.push(`trade_id >= (SELECT max(lo) FROM start_bound)`, `trade_time >= ${time}`);
    }
    if (endTime !== undefined) {
      values.push(endTime);
      const time = fromEpochMs(`$${values.length}`);
      searches.push(idBoundSearch('end_bound', '<=', time));
      where.push(`trade_id < (SELECT max(lo) FROM end_bound)`, `trade_time <= ${time}`);
    }
    values.push(limit);
    const withClause = searches.length > 0 ? `WITH RECURSIVE ${searches.join(', ')} ` : '';
    const { rows } = await this.db.query<TradeRow>(
      `${withClause}SELECT ${TRADE_COLUMNS} FROM agg_trade WHERE ${where.join(' AND ')} ORDER BY agg_trade.trade_id LIMIT $${values.length}`,
      values,
    );
    return rows.map(mapTrade);
  }

  /** The newest stored trade per symbol; symbols with no history are absent from the map. */
  async lastStoredTrades(symbols: readonly string[]): Promise<Map<string, StoredTradePosition>> {
    const rows = await this.newestRows(symbols, '');
    return new Map(rows.map((row) => [row.symbol, { tradeId: row.trade_id, tradeTime: row.trade_time }]));
  }

  /** The newest stored trade per symbol with its price, e.g. to seed the latest prices; symbols with no history are absent. */
  async lastStoredPrices(symbols: readonly string[]): Promise<Map<string, StoredTradePrice>> {
    const rows = await this.newestRows(symbols, ', price::text AS price');
    return new Map(rows.map((row) => [row.symbol, { tradeId: row.trade_id, tradeTime: row.trade_time, price: row.price }]));
  }

  /** One row per symbol with history, read backwards along the primary key: one index probe per symbol. */
  private async newestRows(symbols: readonly string[], extraColumns: string) {
    const { rows } = await this.db.query<{ symbol: string; trade_id: number; trade_time: number; price: string }>(
      `SELECT s.symbol, t.*
       FROM unnest($1::text[]) AS s(symbol)
       CROSS JOIN LATERAL (
         SELECT trade_id::float8 AS trade_id, ${epochMs('trade_time')} AS trade_time${extraColumns}
         FROM agg_trade WHERE agg_trade.symbol = s.symbol ORDER BY agg_trade.trade_id DESC LIMIT 1
       ) AS t`,
      [symbols],
    );
    return rows;
  }
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
