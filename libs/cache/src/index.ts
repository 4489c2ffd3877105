export * from './cache.module';
export * from './instance-registry.store';
export * from './instance-stats.store';
export * from './latest-price.store';
export * from './lease-manager';
export * from './redis.client';
export * from './stream-status.store';
export * from './trade-feed.store';
