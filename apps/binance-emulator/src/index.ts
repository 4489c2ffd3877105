export { BinanceEmulator, startEmulator } from './binance-emulator';
export type { EmulatorControl, EmulatorStats, RestFaultStatus, SymbolStats, TradesQuery } from './emulator.types';
export type { EmulatorOptions } from './emulator.options';
export { BREAK_SYMBOL, createDefaultMarket, HALTED_SYMBOL } from './market/default-market';
export type { DefaultMarketParams } from './market/default-market';
export type { AggTradeRecord, MarketSymbolSpec, SymbolStatus } from './market/market.types';
export type { ClientSessionInfo } from './ws/client-session';
export { archiveDayCsv } from './archive/archive-day';
export { SymbolListing, parseDay } from './market/symbol-listing';
