export * from './cache.module';
export * from './latest-price.store';
export * from './redis.client';
