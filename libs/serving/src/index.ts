export * from './health.service';
export * from './metrics.service';
export * from './price-push.service';
export * from './price-subscription';
export * from './serving.errors';
export * from './serving.module';
export * from './symbols.service';
