import { Injectable } from '@nestjs/common';
import { RedisClient } from './redis.client';

/** What one instance says of itself for the cluster view: read from counters it keeps anyway. */
export interface InstanceStats {
  /** Trades taken in (stream and backfill) per second over the last report interval. */
  tradesPerSecond: number;
  /** Trades accepted and not yet in PostgreSQL. */
  pendingTrades: number;
  /** Symbols this instance streams, and how many of them are live. */
  symbols: number;
  liveSymbols: number;
  /** Whether its loops end their steps (the liveness verdict; asks no store). */
  live: boolean;
  historyWritesHealthy: boolean;
  latestPriceWritesHealthy: boolean;
  pushClients: number;
}

/**
 * Each instance's latest stats, one key per instance that expires by Redis's clock: an instance that stops reporting
 * (killed, frozen, cut off) drops out of the view by itself, whatever its own clock says.
 */
@Injectable()
export class InstanceStatsStore {
  constructor(private readonly client: RedisClient) {}

  private key(instanceId: string): string {
    return `${this.client.keyPrefix}instance-stats:${instanceId}`;
  }

  async publish({ instanceId, stats, ttlMs }: { instanceId: string; stats: InstanceStats; ttlMs: number }): Promise<void> {
    await this.client.redis.set(this.key(instanceId), JSON.stringify(stats), 'PX', ttlMs);
  }

  /** The stats of each instance named that reported within its TTL. */
  async read(instanceIds: readonly string[]): Promise<Map<string, InstanceStats>> {
    const result = new Map<string, InstanceStats>();
    if (instanceIds.length === 0) {
      return result;
    }
    const values = await this.client.redis.mget(...instanceIds.map((id) => this.key(id)));
    values.forEach((value, index) => {
      if (value !== null) result.set(instanceIds[index], JSON.parse(value) as InstanceStats);
    });
    return result;
  }
}
