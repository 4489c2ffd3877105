import { Injectable, Logger } from '@nestjs/common';
import { DatabaseClient } from '../database.client';
import { PgErrorCode, pgErrorCode } from '../pg-error';

/** A partition of `trade_block`: one UTC month, [from, to) in epoch ms. */
export interface BlockPartition {
  name: string;
  from: number;
  to: number;
}

/** How long creating a partition may wait for the parent's lock before it fails (and is tried again later). */
const CREATE_LOCK_TIMEOUT_MS = 5_000;

/**
 * The monthly partitions of `trade_block`: created when a block of a month without one is about to be written (the
 * compactor's current month, an import's distant past), listed, and dropped whole when they fall out of
 * HISTORY_RETENTION. Creating one takes a brief exclusive lock on `trade_block`, once a month, outside any write.
 */
@Injectable()
export class TradeBlockPartitions {
  private readonly logger = new Logger(TradeBlockPartitions.name);
  private readonly known = new Set<string>();

  constructor(private readonly db: DatabaseClient) {}

  /** Makes sure a partition exists for the month of each time (epoch ms). */
  async ensureFor(times: readonly number[]): Promise<void> {
    const months = new Map<string, BlockPartition>();
    for (const time of times) {
      const partition = monthPartitionOf(time);
      if (!this.known.has(partition.name)) {
        months.set(partition.name, partition);
      }
    }
    for (const partition of months.values()) {
      await this.create(partition);
      this.known.add(partition.name);
    }
  }

  /** Makes sure every month from the one holding `from` to the one holding `to` has its partition. */
  async ensureBetween(from: number, to: number): Promise<void> {
    const times: number[] = [];
    for (let month = monthPartitionOf(from); month.from <= to; month = monthPartitionOf(month.to)) {
      times.push(month.from);
    }
    await this.ensureFor(times);
  }

  async list(): Promise<BlockPartition[]> {
    const { rows } = await this.db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'trade_block'::regclass ORDER BY c.relname`,
    );
    return rows.map((row) => partitionNamed(row.name)).filter((partition): partition is BlockPartition => partition !== null);
  }

  /** Drops every partition that ends at or before `before` (epoch ms); returns what it dropped. */
  async dropEndingBy(before: number): Promise<BlockPartition[]> {
    const dropped: BlockPartition[] = [];
    for (const partition of await this.list()) {
      if (partition.to <= before) {
        await this.db.query(`DROP TABLE IF EXISTS ${partition.name}`);
        this.known.delete(partition.name);
        this.logger.log(`dropped history partition ${partition.name} (HISTORY_RETENTION)`);
        dropped.push(partition);
      }
    }
    return dropped;
  }

  private async create({ name, from, to }: BlockPartition): Promise<void> {
    try {
      await this.db.withClient(async (client) => {
        await client.query(`SET lock_timeout = ${CREATE_LOCK_TIMEOUT_MS}`);
        try {
          await client.query(
            `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF trade_block FOR VALUES FROM ('${new Date(from).toISOString()}') TO ('${new Date(to).toISOString()}')`,
          );
        } finally {
          await client.query('RESET lock_timeout');
        }
      });
    } catch (error) {
      // Another instance created it at the same moment: IF NOT EXISTS does not cover a race on the catalog.
      const code = pgErrorCode(error);
      if (code !== PgErrorCode.duplicateTable && code !== PgErrorCode.uniqueViolation) {
        throw error;
      }
    }
  }
}

/** The partition holding `time`: `trade_block_yYYYYmMM`, its UTC month. */
export function monthPartitionOf(time: number): BlockPartition {
  const date = new Date(time);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return {
    name: `trade_block_y${String(year).padStart(4, '0')}m${String(month + 1).padStart(2, '0')}`,
    from: Date.UTC(year, month, 1),
    to: Date.UTC(year, month + 1, 1),
  };
}

function partitionNamed(name: string): BlockPartition | null {
  const match = /^trade_block_y(\d{4})m(\d{2})$/.exec(name);
  return match === null ? null : monthPartitionOf(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
}
