import { Module } from '@nestjs/common';
import { InstanceRegistryStore } from './instance-registry.store';
import { InstanceStatsStore } from './instance-stats.store';
import { LatestPriceStore } from './latest-price.store';
import { LeaseManager } from './lease-manager';
import { RedisClient } from './redis.client';
import { StreamStatusStore } from './stream-status.store';
import { TradeFeedStore } from './trade-feed.store';

@Module({
  providers: [RedisClient, LatestPriceStore, LeaseManager, InstanceRegistryStore, InstanceStatsStore, StreamStatusStore, TradeFeedStore],
  exports: [RedisClient, LatestPriceStore, LeaseManager, InstanceRegistryStore, InstanceStatsStore, StreamStatusStore, TradeFeedStore],
})
export class CacheModule {}
