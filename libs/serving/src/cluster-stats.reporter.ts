import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { InstanceStats, InstanceStatsStore } from '@binance-rates/cache';
import { StreamSupervisor, WritePipeline } from '@binance-rates/ingestion';
import { HealthService } from './health.service';
import { PricePushService } from './price-push.service';

/** How often this instance tells the cluster view how it is doing. */
export const CLUSTER_STATS_INTERVAL_MS = 1_000;
/** A report lives this long in Redis: two missed reports and the instance shows no stats. */
const CLUSTER_STATS_TTL_MS = 3 * CLUSTER_STATS_INTERVAL_MS;

/**
 * Publishes this instance's stats for the cluster view once a second, from the counters it keeps anyway: one Redis
 * write a second, no work on the trade path. A failed write is skipped; the report's TTL shows the gap.
 */
@Injectable()
export class ClusterStatsReporter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ClusterStatsReporter.name);
  private timer: NodeJS.Timeout | null = null;
  private publishing = false;
  private previous: { acceptedTrades: number; at: number } | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly store: InstanceStatsStore,
    private readonly pipeline: WritePipeline,
    private readonly supervisor: StreamSupervisor,
    private readonly health: HealthService,
    private readonly push: PricePushService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.report(), CLUSTER_STATS_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** This instance's stats now; the trade rate is taken over the time since the previous call. */
  private sample(now = Date.now()): InstanceStats {
    const pipeline = this.pipeline.stats();
    const stream = this.supervisor.status();
    const previous = this.previous;
    this.previous = { acceptedTrades: pipeline.acceptedTrades, at: now };
    const elapsedS = previous ? (now - previous.at) / 1000 : 0;
    return {
      tradesPerSecond: previous && elapsedS > 0 ? Math.max(0, pipeline.acceptedTrades - previous.acceptedTrades) / elapsedS : 0,
      pendingTrades: pipeline.pendingTrades,
      symbols: stream?.desiredSymbols ?? 0,
      liveSymbols: stream?.liveSymbols ?? 0,
      live: this.health.live().ok,
      historyWritesHealthy: pipeline.historyHealthy,
      latestPriceWritesHealthy: pipeline.latestHealthy,
      pushClients: this.push.clientCount,
    };
  }

  private async report(): Promise<void> {
    if (this.publishing) {
      return;
    }
    this.publishing = true;
    try {
      await this.store.publish({ instanceId: this.config.instanceId, stats: this.sample(), ttlMs: CLUSTER_STATS_TTL_MS });
    } catch (error) {
      this.logger.debug(`cluster stats not published: ${(error as Error).message}`);
    } finally {
      this.publishing = false;
    }
  }
}
