import { Injectable } from '@nestjs/common';
import { type AggTrade, type TradeRun, sliceRun, tradeAt } from '@binance-rates/domain';
import { decodeRun } from './blocks/trade-run.codec';
import { DatabaseClient } from './database.client';
import { type HistoryReadStart, historyRowsFrom, type StoredHistoryRow } from './history/history-rows.query';

export interface FindTradesParams {
  symbol: string;
  /** Inclusive lower bound on the aggregate id. */
  fromId?: number;
  /** Inclusive bounds on the trade time, epoch milliseconds. */
  startTime?: number;
  endTime?: number;
  limit: number;
}

/**
 * Stored rows a page of trades reads first; each further read asks for four times more, up to MAX_ROWS_PER_READ (a
 * few sizes only: each is a statement of its own, planned once per connection).
 */
const FIRST_ROWS_PER_PAGE = 2;
const MAX_ROWS_PER_READ = 1_024;
/** Stored rows read per query by `findRuns`. */
const RUN_ROWS_PER_READ = 200;

export interface StoredTradePosition {
  tradeId: number;
  tradeTime: number;
}

/** A symbol's newest stored trade as a latest price. */
export interface StoredTradePrice extends StoredTradePosition {
  price: string;
}

/**
 * Reads of the stored trade history (TradeHistoryWriter writes it): rows of runs and blocks are read in id order
 * and decoded here. Runs and blocks never overlap, and a read never goes back to an id it passed, so no trade is
 * returned twice.
 */
@Injectable()
export class TradeRepository {
  constructor(private readonly db: DatabaseClient) {}

  /**
   * Trades in id order from the highest of `fromId` and the first id at `startTime`, up to `endTime`. A time bound
   * becomes an id to start from (trade time never decreases along a symbol's ids), so the read starts where its
   * answer starts and stops where it ends, whatever the history's length.
   */
  async findTrades({ symbol, fromId, startTime, endTime, limit }: FindTradesParams): Promise<AggTrade[]> {
    return this.db.withClient(async (client) => {
      let next = fromId ?? 0;
      // The first read finds where a time starts in the same statement; the next ones go on from the last id read.
      let start: HistoryReadStart = { fromId: next, atTime: startTime };
      const found: AggTrade[] = [];
      // Rows hold from one trade (a quiet symbol's run) to thousands (a block): start with a few and read more each
      // time, so a page of blocks does not fetch (and de-TOAST) hundreds of rows it will never decode.
      for (let rowsWanted = FIRST_ROWS_PER_PAGE; ; rowsWanted = Math.min(rowsWanted * 4, MAX_ROWS_PER_READ), start = { fromId: next }) {
        const rows = await historyRowsFrom(client, symbol, start, rowsWanted);
        for (const row of rows) {
          if (row.last_id < next) {
            continue;
          }
          const run = decodeRow(symbol, row);
          for (let index = Math.max(0, next - run.firstId); index < run.count; index += 1) {
            const time = run.time[index];
            if (endTime !== undefined && time > endTime) {
              return found;
            }
            if (startTime === undefined || time >= startTime) {
              found.push(tradeAt(run, index));
              if (found.length === limit) {
                return found;
              }
            }
          }
          next = Math.max(next, row.last_id + 1);
        }
        if (rows.length <= rowsWanted) {
          return found;
        }
      }
    });
  }

  /**
   * The stored trades from `startTime` to `endTime` (inclusive) as runs in id order, decoded but not turned into
   * objects: for folding many trades at once (1s candles). The caller keeps the window small enough to hold.
   */
  async findRuns({ symbol, startTime, endTime }: { symbol: string; startTime: number; endTime: number }): Promise<TradeRun[]> {
    return this.db.withClient(async (client) => {
      let next = 0;
      let start: HistoryReadStart = { fromId: next, atTime: startTime };
      const runs: TradeRun[] = [];
      for (; ; start = { fromId: next }) {
        const rows = await historyRowsFrom(client, symbol, start, RUN_ROWS_PER_READ);
        for (const row of rows) {
          if (row.last_id < next) {
            continue;
          }
          const run = decodeRow(symbol, row);
          let from = Math.max(0, next - run.firstId);
          while (from < run.count && run.time[from] < startTime) from += 1;
          let to = run.count - 1;
          while (to >= from && run.time[to] > endTime) to -= 1;
          if (from <= to) {
            runs.push(sliceRun(run, run.firstId + from, run.firstId + to) as TradeRun);
          }
          if (run.time[run.count - 1] > endTime) {
            return runs;
          }
          next = row.last_id + 1;
        }
        if (rows.length <= RUN_ROWS_PER_READ) {
          return runs;
        }
      }
    });
  }

  /** The newest stored trade per symbol; symbols with no history are absent from the map. */
  async lastStoredTrades(symbols: readonly string[]): Promise<Map<string, StoredTradePosition>> {
    const newest = await this.newestTrades(symbols);
    return new Map([...newest].map(([symbol, trade]) => [symbol, { tradeId: trade.tradeId, tradeTime: trade.tradeTime }]));
  }

  /** The newest stored trade per symbol with its price, e.g. to seed the latest prices; symbols with no history are absent. */
  async lastStoredPrices(symbols: readonly string[]): Promise<Map<string, StoredTradePrice>> {
    const newest = await this.newestTrades(symbols);
    return new Map([...newest].map(([symbol, trade]) => [symbol, { tradeId: trade.tradeId, tradeTime: trade.tradeTime, price: trade.price }]));
  }

  /** The newest row per symbol from either table, its last trade decoded: two index probes per symbol. */
  private async newestTrades(symbols: readonly string[]): Promise<Map<string, AggTrade>> {
    const { rows } = await this.db.query<StoredHistoryRow & { symbol: string }>(
      `SELECT s.symbol, n.first_id::float8 AS first_id, n.last_id::float8 AS last_id, n.payload
       FROM unnest($1::text[]) AS s(symbol)
       CROSS JOIN LATERAL (
         (SELECT first_id, last_id, payload FROM trade_run r WHERE r.symbol = s.symbol ORDER BY r.first_id DESC LIMIT 1)
         UNION ALL
         (SELECT first_id, last_id, payload FROM trade_block b WHERE b.symbol = s.symbol ORDER BY b.first_id DESC LIMIT 1)
       ) AS n`,
      [symbols],
    );
    // Up to two candidates per symbol, the newest run and the newest block: the later one holds the newest trade.
    const newest = new Map<string, StoredHistoryRow & { symbol: string }>();
    for (const row of rows) {
      const other = newest.get(row.symbol);
      if (other === undefined || row.first_id > other.first_id) {
        newest.set(row.symbol, row);
      }
    }
    return new Map(
      [...newest.values()].map((row) => {
        const run = decodeRow(row.symbol, row);
        return [row.symbol, tradeAt(run, run.count - 1)];
      }),
    );
  }
}

function decodeRow(symbol: string, row: StoredHistoryRow): TradeRun {
  return decodeRun(row.payload, symbol, row.first_id);
}
