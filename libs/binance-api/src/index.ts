export * from './binance-api.module';
export * from './binance-api.openapi';
export * from './install-binance-api';
export * from './rest/binance-rest.router';
export * from './streams/binance-stream.server';
