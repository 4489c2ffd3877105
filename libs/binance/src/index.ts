export * from './agg-trade-frame.scanner';
export * from './agg-trade.parser';
export * from './binance-rest.client';
export * from './binance-stream.client';
export * from './binance-wire.types';
export * from './rest-response.parser';
export * from './stream-connection';
export * from './stream-frame.parser';
