export * from './test-database';
export * from './test-redis';
export * from './tcp-proxy';
export * from './query-plan';
