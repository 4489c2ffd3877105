export * from './agg-trade.factory';
export * from './query-plan';
export * from './tcp-proxy';
export * from './test-config';
export * from './test-database';
export * from './test-redis';
export * from './wait-for';
export * from './trade-run.factory';
