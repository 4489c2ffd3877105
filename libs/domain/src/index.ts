export * from './agg-trade';
export * from './backoff';
export * from './sliding-window-limiter';
export * from './symbol';
export * from './trade-sequencer';
export * from './ownership-plan';
export * from './settles-within';
export * from './candle';
