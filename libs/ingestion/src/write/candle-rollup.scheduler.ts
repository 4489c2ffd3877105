import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { CandleRollupRepository } from '@binance-rates/storage';

/** How often the rollup job runs; reads take minutes the job has not settled yet from candle_1m, so this is cost, not correctness. */
const ROLLUP_INTERVAL_MS = 10_000;
/** Candles past retention deleted per symbol and level per run: short transactions, however much is due. */
const RETENTION_CHUNK = 5_000;

/**
 * Runs the candle rollup job (and retention, when CANDLES_RETENTION is set) every ROLLUP_INTERVAL_MS on every
 * instance; the job's advisory lock lets one of them work per round. A failed run is logged and retried next round.
 * Started and stopped by IngestionLifecycle.
 */
@Injectable()
export class CandleRollupScheduler {
  private readonly logger = new Logger(CandleRollupScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly rollups: CandleRollupRepository,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.round().finally(() => (this.running = undefined));
    }, ROLLUP_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async round(): Promise<void> {
    try {
      const result = await this.rollups.rollUp();
      if (result !== null && this.config.candles.retentionMs !== null) {
        await this.rollups.deleteOpenedBefore(Date.now() - this.config.candles.retentionMs, RETENTION_CHUNK);
      }
    } catch (error) {
      this.logger.warn(`candle rollup failed, retried in ${ROLLUP_INTERVAL_MS} ms: ${(error as Error).message}`);
    }
  }
}
