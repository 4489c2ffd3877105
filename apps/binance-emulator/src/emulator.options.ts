import { createDefaultMarket } from './market/default-market';
import type { MarketSymbolSpec } from './market/market.types';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: `createDefaultMarket()` — about 300 symbols, including HALTUSDT (HALT) and BREAKUSDT (BREAK). */
  symbols?: MarketSymbolSpec[];
  /** Rate of every TRADING symbol without its own `tradesPerSecond` (default 2). */
  tradesPerSecondPerSymbol?: number;
  /** Default 20 000, Binance's interval (web-socket-streams.md, "General WSS information"). */
  pingIntervalMs?: number;
  /** Default 60 000. */
  pongTimeoutMs?: number;
  /** Default 24 h. */
  connectionLifetimeMs?: number;
  /** Client frames (text, ping, pong) allowed per second before close 1008 (default 5). */
  maxIncomingPerSecond?: number;
  /** Default 1024 (beyond it SUBSCRIBE fails with code 4). */
  maxStreamsPerConnection?: number;
  /** Aggregate trades kept per symbol for REST `aggTrades` (default 200 000, about 21 bytes each). */
  historyLimitPerSymbol?: number;
  /** Default 6000. */
  restWeightLimitPerMinute?: number;
  /**
   * How far REST trails the streams (default 0): an `aggTrades` page never holds trades newer than now − lag, as
   * Binance's REST, a separate service, can end short of the newest streamed trade for a few seconds.
   */
  restLagMs?: number;
  /** Unsent bytes a client may fall behind before it is cut off as a slow consumer (default 32 MiB). */
  maxBufferedBytes?: number;
  /** Delay between the `serverShutdown` event and the close (default 1000). */
  serverShutdownGraceMs?: number;
  /** Seeds prices, quantities, trade times and the archive (default 1). */
  seed?: number;
  /**
   * Aggregate trades in each archived day (`/data/spot/...`, default 86 400: one a second). Ids are
   * `(day − listing day) × archiveTradesPerDay + i`, so it also fixes the id the live market starts at.
   */
  archiveTradesPerDay?: number;
  /** Path the archive is served under (default '': `/data/spot/...` at the root, like data.binance.vision). */
  archiveBasePath?: string;
  /** zlib level of the archive's zips (default 1: about twice as fast as zlib's 6, files a quarter larger). */
  archiveCompressionLevel?: number;
}

export type ResolvedEmulatorOptions = Required<EmulatorOptions>;

export function resolveEmulatorOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const seed = options.seed ?? 1;
  const resolved: ResolvedEmulatorOptions = {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    symbols: options.symbols ?? createDefaultMarket({ seed }),
    tradesPerSecondPerSymbol: options.tradesPerSecondPerSymbol ?? 2,
    pingIntervalMs: options.pingIntervalMs ?? 20_000,
    pongTimeoutMs: options.pongTimeoutMs ?? 60_000,
    connectionLifetimeMs: options.connectionLifetimeMs ?? 24 * 60 * 60_000,
    maxIncomingPerSecond: options.maxIncomingPerSecond ?? 5,
    maxStreamsPerConnection: options.maxStreamsPerConnection ?? 1024,
    historyLimitPerSymbol: options.historyLimitPerSymbol ?? 200_000,
    restWeightLimitPerMinute: options.restWeightLimitPerMinute ?? 6000,
    restLagMs: options.restLagMs ?? 0,
    maxBufferedBytes: options.maxBufferedBytes ?? 32 * 1024 * 1024,
    serverShutdownGraceMs: options.serverShutdownGraceMs ?? 1000,
    seed,
    archiveTradesPerDay: options.archiveTradesPerDay ?? 86_400,
    archiveBasePath: options.archiveBasePath ?? '',
    archiveCompressionLevel: options.archiveCompressionLevel ?? 1,
  };
  for (const key of ['pingIntervalMs', 'pongTimeoutMs', 'connectionLifetimeMs', 'maxIncomingPerSecond', 'maxStreamsPerConnection', 'historyLimitPerSymbol', 'restWeightLimitPerMinute', 'maxBufferedBytes'] as const) {
    if (!(resolved[key] > 0)) {
      throw new RangeError(`${key} must be a positive number, got ${resolved[key]}`);
    }
  }
  if (!Number.isInteger(resolved.archiveTradesPerDay) || resolved.archiveTradesPerDay < 1) {
    throw new RangeError(`archiveTradesPerDay must be a positive integer, got ${resolved.archiveTradesPerDay}`);
  }
  if (!Number.isInteger(resolved.archiveCompressionLevel) || resolved.archiveCompressionLevel < 1 || resolved.archiveCompressionLevel > 9) {
    throw new RangeError(`archiveCompressionLevel must be an integer 1–9, got ${resolved.archiveCompressionLevel}`);
  }
  if (resolved.archiveBasePath !== '' && !/^(\/[A-Za-z0-9._-]+)+$/.test(resolved.archiveBasePath)) {
    throw new RangeError(`archiveBasePath must be '' or like '/binance-data', got ${resolved.archiveBasePath}`);
  }
  if (!(resolved.restLagMs >= 0)) {
    throw new RangeError(`restLagMs must be 0 or more, got ${resolved.restLagMs}`);
  }
  return resolved;
}
