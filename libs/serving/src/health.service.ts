import { Injectable } from '@nestjs/common';
import { RedisClient } from '@binance-rates/cache';
import { DatabaseClient } from '@binance-rates/storage';
import { StreamSupervisor, WritePipeline } from '@binance-rates/ingestion';

export interface HealthReport {
  healthy: boolean;
  postgres: { up: boolean; writesHealthy: boolean; pendingTrades: number };
  redis: { up: boolean; writesHealthy: boolean };
  stream: { ready: boolean; symbols: number; liveSymbols: number; connections: number; openConnections: number };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly database: DatabaseClient,
    private readonly redis: RedisClient,
    private readonly supervisor: StreamSupervisor,
    private readonly pipeline: WritePipeline,
  ) {}

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
}
