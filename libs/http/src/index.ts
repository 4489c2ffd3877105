export * from './cors-policy';
export * from './currency.dto';
export * from './error-response.dto';
export * from './http-exception.filter';
export * from './http.module';
export * from './trade.dto';
export * from './currency.controller';
export * from './price-read.fast-path';
