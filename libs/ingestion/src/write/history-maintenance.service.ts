import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { HistoryCompactor, LegacyHistoryConverter, TradeBlockPartitions } from '@binance-rates/storage';

const HOUR_MS = 3_600_000;
/** How often runs are looked at for compaction and partitions for retention. */
export const MAINTENANCE_INTERVAL_MS = 60_000;
/** After a failed pass (PostgreSQL away), the next one comes this soon. */
const RETRY_AFTER_MS = 5_000;

/**
 * Ages the stored history, in the background of every instance: first it converts a database from the row-per-trade
 * layout (once, whoever starts first), then every minute it compacts runs older than HISTORY_COMPACT_AFTER_MS into
 * blocks and drops the month partitions past HISTORY_RETENTION. Instances need not take turns: a run moves in one
 * transaction that deletes it, so only one of them ever moves it, and dropping a partition twice is a no-op.
 *
 * Compaction stops at a whole UTC hour, so each hour of a symbol becomes one set of full blocks rather than a block
 * per pass.
 */
@Injectable()
export class HistoryMaintenance {
  private readonly logger = new Logger(HistoryMaintenance.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private converted = false;
  private stopping = new AbortController();

  constructor(
    private readonly config: AppConfig,
    private readonly converter: LegacyHistoryConverter,
    private readonly compactor: HistoryCompactor,
    private readonly partitions: TradeBlockPartitions,
  ) {}

  start(): void {
    this.stopping = new AbortController();
    this.schedule(0);
  }

  /** Schedules no further pass; resolves when the one running (if any) has finished its current step. */
  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.running;
  }

  /** One pass: the conversion until it is done, then compaction and retention. Exposed for tests. */
  async runOnce(now = Date.now(), signal = this.stopping.signal): Promise<void> {
    if (!this.converted) {
      this.converted = (await this.converter.convert(signal)) !== null;
      if (!this.converted) {
        return;
      }
    }
    const cutoff = Math.floor((now - this.config.history.compactAfterMs) / HOUR_MS) * HOUR_MS;
    const moved = await this.compactor.compactBefore(cutoff, signal);
    if (moved > 0) {
      this.logger.debug(`compacted ${moved} trades older than ${new Date(cutoff).toISOString()} into blocks`);
    }
    const { retentionMs } = this.config.history;
    if (retentionMs !== null) {
      await this.partitions.dropEndingBy(now - retentionMs);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopping.signal.aborted) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce().then(
        () => this.schedule(MAINTENANCE_INTERVAL_MS),
        (error: Error) => {
          this.logger.warn(`history maintenance failed, trying again in ${RETRY_AFTER_MS} ms: ${error.message}`);
          this.schedule(RETRY_AFTER_MS);
        },
      );
    }, delayMs);
  }
}
