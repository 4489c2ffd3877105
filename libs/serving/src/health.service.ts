import { Injectable } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { RedisClient } from '@binance-rates/cache';
import { DatabaseClient } from '@binance-rates/storage';
import { BackfillRunner, IngestionProgress, StreamSupervisor, WritePipeline } from '@binance-rates/ingestion';
import { EventLoopDelayMonitor } from './event-loop-delay.monitor';
import { HealthVerdict } from './health-verdict';
import { LivenessCheckName, evaluateLiveness } from './liveness.policy';
import { ReadinessCheckName, StoreAnswer, evaluateReadiness } from './readiness.policy';

export interface HealthReport {
  healthy: boolean;
  postgres: { up: boolean; writesHealthy: boolean; pendingTrades: number };
  redis: { up: boolean; writesHealthy: boolean };
  stream: { ready: boolean; symbols: number; liveSymbols: number; connections: number; openConnections: number };
}

/** The readiness probe waits this long for each store's ping: an orchestrator's probe times out after a few seconds. */
const PING_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseClient,
    private readonly redis: RedisClient,
    private readonly supervisor: StreamSupervisor,
    private readonly pipeline: WritePipeline,
    private readonly progress: IngestionProgress,
    private readonly backfill: BackfillRunner,
    private readonly eventLoop: EventLoopDelayMonitor,
  ) {}

  /** `GET /health`, kept as it was: every store and every stream ready, in one flag. */
  async check(): Promise<HealthReport> {
    const [postgresUp, redisUp] = await Promise.all([this.database.isHealthy(), this.redis.isHealthy()]);
    const pipeline = this.pipeline.stats();
    const status = this.supervisor.status();
    const streamReady = this.supervisor.isHealthy();
    return {
      healthy: postgresUp && redisUp && streamReady,
      postgres: { up: postgresUp, writesHealthy: pipeline.historyHealthy, pendingTrades: pipeline.pendingTrades },
      redis: { up: redisUp, writesHealthy: pipeline.latestHealthy },
      stream: {
        ready: streamReady,
        symbols: status?.desiredSymbols ?? 0,
        liveSymbols: status?.liveSymbols ?? 0,
        connections: status?.connections ?? 0,
        openConnections: status?.openConnections ?? 0,
      },
    };
  }

  /** Whether the process works: its loops end their steps and its event loop turns. Asks no store. */
  live(): HealthVerdict<LivenessCheckName> {
    return evaluateLiveness({ now: Date.now(), loops: this.progress.loops(), eventLoopDelay: this.eventLoop.worstDelay() });
  }

  /** Whether this instance can serve: stores answering, writes succeeding, nothing shed, its streams live. */
  async ready(): Promise<HealthVerdict<ReadinessCheckName>> {
    const [postgres, redis] = await Promise.all([answerWithin(this.database.isHealthy()), answerWithin(this.redis.isHealthy())]);
    return evaluateReadiness({
      postgres,
      redis,
      pingTimeoutMs: PING_TIMEOUT_MS,
      writes: this.pipeline.health(),
      maxPendingTrades: this.config.ingest.maxPendingTrades,
      restPausedForMs: this.backfill.restPausedForMs(),
      streams: this.supervisor.streamedHealth(),
    });
  }
}

/** A store stalled by a partition does not hold the probe past the bound. */
async function answerWithin(ping: Promise<boolean>): Promise<StoreAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<StoreAnswer>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([ping.then((up): StoreAnswer => (up ? 'up' : 'down')), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
