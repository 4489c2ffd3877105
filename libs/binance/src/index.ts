export * from './binance-rest.client';
export * from './binance-stream.client';
export * from './binance-wire.types';
export * from './stream-connection';
export * from './stream-frame.parser';
