import { Injectable, Logger } from '@nestjs/common';
import { type AggTrade, TradeRunBatch } from '@binance-rates/domain';
import { DatabaseClient } from '../database.client';
import { epochMs } from '../sql-time';
import { planBlocks } from './block-plan';
import { BLOCK_TRADES } from './history-compactor';
import { TradeHistoryWriter } from './trade-history.writer';

/** Any constant works; it only has to differ from the other advisory locks the service takes. */
const CONVERSION_LOCK_KEY = 0x6c656761; // 'lega'
const ROWS_PER_STEP = 50_000;
const LOCK_POLL_MS = 1_000;
/** A bound on the whole conversion (every statement of it has its own): hundreds of millions of rows fit in it. */
const CONVERSION_DEADLINE_MS = 12 * 3_600_000;

interface LegacyRow {
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
 * Moves history stored a row per trade (`agg_trade`, before runs and blocks) into blocks, then empties `agg_trade`.
 * It runs at every start, before anything else writes history, so a database of any age converts on the first start
 * of this version. Rows are read in key order and written through TradeHistoryWriter, which stores each trade once:
 * after a crash the next start reads them again and the writer finds them stored, so nothing is lost or doubled.
 * Instances starting together queue on an advisory lock; the first converts, the others find the table empty.
 */
@Injectable()
export class LegacyHistoryConverter {
  private readonly logger = new Logger(LegacyHistoryConverter.name);

  constructor(
    private readonly db: DatabaseClient,
    private readonly writer: TradeHistoryWriter,
  ) {}

  /**
   * Returns how many trades it moved that were not in the new layout yet, or null when `signal` aborted it first (the
   * next call starts over; what was moved is found stored).
   */
  async convert(signal?: AbortSignal): Promise<number | null> {
    while (signal?.aborted !== true) {
      const moved = await this.db.withClient(
        async (lockClient) => {
          const { rows } = await lockClient.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [CONVERSION_LOCK_KEY]);
          if (!rows[0].locked) {
            return null;
          }
          try {
            return await this.convertHeld(signal);
          } finally {
            await lockClient.query('SELECT pg_advisory_unlock($1)', [CONVERSION_LOCK_KEY]);
          }
        },
        { deadlineMs: CONVERSION_DEADLINE_MS },
      );
      if (moved !== null) {
        return moved === 'aborted' ? null : moved;
      }
      // Another instance converts: polled rather than waited on, so no statement outlives the statement timeout.
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
    return null;
  }

  private async convertHeld(signal?: AbortSignal): Promise<number | 'aborted'> {
    const { rows: any } = await this.db.query('SELECT 1 FROM agg_trade LIMIT 1');
    if (any.length === 0) {
      return 0;
    }
    this.logger.log('moving history stored a row per trade (agg_trade) into blocks');
    let after: { symbol: string; tradeId: number } = { symbol: '', tradeId: -1 };
    let read = 0;
    let stored = 0;
    for (;;) {
      if (signal?.aborted === true) {
        return 'aborted';
      }
      const { rows } = await this.db.query<LegacyRow>(
        `SELECT symbol, trade_id::float8 AS trade_id, price::text AS price, quantity::text AS quantity,
                first_trade_id::float8 AS first_trade_id, last_trade_id::float8 AS last_trade_id,
                ${epochMs('trade_time')} AS trade_time, is_buyer_maker
         FROM agg_trade WHERE (symbol, trade_id) > ($1, $2) ORDER BY symbol, trade_id LIMIT $3`,
        [after.symbol, after.tradeId, ROWS_PER_STEP],
      );
      if (rows.length === 0) {
        break;
      }
      stored += await this.writer.store(blocksOf(rows), 'block');
      read += rows.length;
      const last = rows[rows.length - 1];
      after = { symbol: last.symbol, tradeId: last.trade_id };
      this.logger.log(`moved ${read} trades so far (up to ${last.symbol}#${last.trade_id})`);
    }
    await this.db.query('TRUNCATE agg_trade');
    this.logger.log(`history conversion done: ${read} trades read, ${stored} stored that were not yet in blocks`);
    return stored;
  }
}

function blocksOf(rows: readonly LegacyRow[]) {
  const batch = new TradeRunBatch();
  for (const row of rows) {
    const trade: AggTrade = {
      symbol: row.symbol,
      tradeId: row.trade_id,
      price: row.price,
      quantity: row.quantity,
      firstTradeId: row.first_trade_id,
      lastTradeId: row.last_trade_id,
      tradeTime: row.trade_time,
      isBuyerMaker: row.is_buyer_maker,
    };
    batch.append(trade);
  }
  const runs = batch.seal();
  const blocks = [];
  for (let start = 0; start < runs.length; ) {
    let end = start;
    while (end < runs.length && runs[end].symbol === runs[start].symbol) end += 1;
    blocks.push(...planBlocks(runs.slice(start, end), BLOCK_TRADES));
    start = end;
  }
  return blocks;
}
