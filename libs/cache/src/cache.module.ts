import { Module } from '@nestjs/common';
import { LatestPriceStore } from './latest-price.store';
import { RedisClient } from './redis.client';

@Module({
  providers: [RedisClient, LatestPriceStore],
  exports: [RedisClient, LatestPriceStore],
})
export class CacheModule {}
