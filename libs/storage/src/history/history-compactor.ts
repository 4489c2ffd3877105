import { Injectable } from '@nestjs/common';
import { decodeRun } from '../blocks/trade-run.codec';
import { copyIn } from '../copy-in';
import { DatabaseClient } from '../database.client';
import { fromEpochMs } from '../sql-time';
import { planBlocks } from './block-plan';
import { historyCopyData } from './history-copy';
import { HISTORY_COLUMNS } from './history-row';
import { TradeBlockPartitions } from './trade-block-partitions';
import { historyRowOf } from './trade-history.writer';

/** Trades per block at most: a page of 1,000 trades decodes one or two blocks. */
export const BLOCK_TRADES = 4_096;
/** Runs moved per transaction, so a pass holds its locks briefly and a kill loses little work. */
const RUNS_PER_STEP = 5_000;

/**
 * Turns runs into blocks. Each step deletes a symbol's oldest runs that end before the cutoff and writes the same
 * trades as blocks in the same transaction: readers and writers see either the runs or the blocks, never both or
 * neither, and two instances compacting at once cannot both move a run (the second one's DELETE finds it gone).
 */
@Injectable()
export class HistoryCompactor {
  constructor(
    private readonly db: DatabaseClient,
    private readonly partitions: TradeBlockPartitions,
  ) {}

  /** Compacts every run that ends before `cutoff` (epoch ms), or until `signal` aborts; returns how many trades moved. */
  async compactBefore(cutoff: number, signal?: AbortSignal): Promise<number> {
    const { rows } = await this.db.query<{ symbol: string; first_time: number }>(
      `SELECT symbol, (extract(epoch FROM min(first_time)) * 1000)::float8 AS first_time
       FROM trade_run WHERE last_time < ${fromEpochMs('$1')} GROUP BY symbol ORDER BY symbol`,
      [cutoff],
    );
    let moved = 0;
    for (const { symbol, first_time: oldest } of rows) {
      await this.partitions.ensureBetween(oldest, cutoff);
      while (signal?.aborted !== true) {
        const step = await this.compactStep(symbol, cutoff);
        moved += step;
        if (step === 0) {
          break;
        }
      }
    }
    return moved;
  }

  private compactStep(symbol: string, cutoff: number): Promise<number> {
    return this.db.transaction(async (client) => {
      const { rows } = await client.query<{ first_id: number; payload: Buffer }>(
        `DELETE FROM trade_run WHERE symbol = $1 AND first_id IN (
           SELECT first_id FROM trade_run WHERE symbol = $1 AND last_time < ${fromEpochMs('$2')} ORDER BY first_id LIMIT $3
         ) RETURNING first_id::float8 AS first_id, payload`,
        [symbol, cutoff, RUNS_PER_STEP],
      );
      if (rows.length === 0) {
        return 0;
      }
      const runs = rows.sort((a, b) => a.first_id - b.first_id).map((row) => decodeRun(row.payload, symbol, row.first_id));
      const blocks = planBlocks(runs, BLOCK_TRADES);
      await copyIn(client, `COPY trade_block (${HISTORY_COLUMNS}) FROM STDIN (FORMAT binary)`, historyCopyData(blocks.map(historyRowOf)));
      return blocks.reduce((sum, block) => sum + block.count, 0);
    });
  }
}
