import { Module } from '@nestjs/common';
import { InstanceRegistryStore } from './instance-registry.store';
import { LatestPriceStore } from './latest-price.store';
import { LeaseManager } from './lease-manager';
import { RedisClient } from './redis.client';

@Module({
  providers: [RedisClient, LatestPriceStore, LeaseManager, InstanceRegistryStore],
  exports: [RedisClient, LatestPriceStore, LeaseManager, InstanceRegistryStore],
})
export class CacheModule {}
