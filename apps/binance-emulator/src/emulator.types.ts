import type { AggTradeRecord, SymbolStatus } from './market/market.types';
import type { ClientSessionInfo } from './ws/client-session';
import type { StreamServerStats } from './ws/stream-server';

export interface SymbolStats {
  status: SymbolStatus;
  tradesPerSecond: number;
  generated: number;
  /** Events written to subscribers (one per subscriber per event). */
  sent: number;
  lastTradeId: number | undefined;
  retained: number;
}

export interface EmulatorStats extends StreamServerStats {
  uptimeMs: number;
  tradesGenerated: number;
  restRequests: number;
  archiveRequests: number;
  /** Archive zips generated: a `.CHECKSUM` and the download that follows it cost one. */
  archiveZipsGenerated: number;
  symbols: Record<string, SymbolStats>;
}

export interface TradesQuery {
  /** Inclusive; older than the retained history starts at the oldest retained trade. */
  fromId?: number;
  /** Default: everything retained (from `fromId`, or the newest `limit` without it). */
  limit?: number;
}

export type RestFaultStatus = 429 | 418 | 500;

/**
 * What the admin routes may do to a running emulator: introspection and fault injection. `BinanceEmulator`
 * implements it; the routes depend on this and not on the emulator class, which itself routes to them.
 */
export interface EmulatorControl {
  subscriptions(): Array<{ connectionId: string; streams: string[] }>;
  connections(): ClientSessionInfo[];
  stats(): EmulatorStats;
  tradesOf(symbol: string, query?: TradesQuery): AggTradeRecord[];
  lastPrice(symbol: string): string | undefined;
  emitTrades(symbol: string, count: number): AggTradeRecord[];
  setTradeRate(symbol: string, perSecond: number): void;
  setSymbolStatus(symbol: string, status: SymbolStatus): void;
  setConnectionLifetime(ms: number): void;
  dropAllConnections(): void;
  freezeConnections(): void;
  sendServerShutdown(graceMs?: number): void;
  failRest(count: number, status: RestFaultStatus, retryAfterSec?: number): void;
  setRestWeightLimit(limit: number): void;
  setRestLag(ms: number): void;
  resetRestLimits(): void;
  makeArchiveFileMissing(symbol: string, date: string): void;
  corruptArchiveChecksum(symbol: string, date: string): void;
  throttleArchive(bytesPerSecond: number): void;
  resetArchiveFaults(): void;
}
