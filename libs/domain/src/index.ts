export * from './agg-trade';
export * from './symbol';
