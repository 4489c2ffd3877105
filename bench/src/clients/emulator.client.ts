import type { AggTradeRecord, EmulatorStats } from '@binance-rates/emulator';
import { httpJson, mapBounded } from '../infra/http-json';

/** The emulator's admin routes (`/emulator/*`), as used from a separate process. */
export class EmulatorClient {
  constructor(readonly restBaseUrl: string) {}

  async stats(): Promise<EmulatorStats> {
    return this.get<EmulatorStats>('/emulator/stats');
  }

  /** Per-symbol rate; `'*'` sets every symbol (including ones nobody tracks). */
  async setRate(symbol: string, perSecond: number): Promise<void> {
    const { status, body } = await httpJson({ method: 'POST', url: `${this.restBaseUrl}/emulator/rate`, body: { symbol, perSecond } });
    if (status !== 200) {
      throw new Error(`emulator refused rate ${symbol}=${perSecond}: ${JSON.stringify(body)}`);
    }
  }

  async setRates(symbols: readonly string[], perSecond: number): Promise<void> {
    await mapBounded(symbols, 16, (symbol) => this.setRate(symbol, perSecond));
  }

  /** How many of `symbols` have an aggTrade stream on some connection. */
  async subscribedCount(symbols: readonly string[]): Promise<number> {
    const connections = await this.get<Array<{ streams: string[] }>>('/emulator/subscriptions');
    const streams = new Set(connections.flatMap((connection) => connection.streams));
    return symbols.filter((symbol) => streams.has(`${symbol.toLowerCase()}@aggTrade`)).length;
  }

  /** Retained trades from `fromId` on, oldest first. */
  async trades(symbol: string, fromId: number, limit: number): Promise<AggTradeRecord[]> {
    return this.get<AggTradeRecord[]>(`/emulator/trades/${symbol}?fromId=${fromId}&limit=${limit}`);
  }

  private async get<T>(path: string): Promise<T> {
    const { status, body } = await httpJson<T>({ method: 'GET', url: `${this.restBaseUrl}${path}` });
    if (status !== 200) {
      throw new Error(`emulator GET ${path} answered ${status}: ${JSON.stringify(body)}`);
    }
    return body;
  }
}

/** Last trade id per symbol (0 for a symbol that never traded). */
export function lastIds(stats: EmulatorStats, symbols: readonly string[]): Map<string, number> {
  return new Map(symbols.map((symbol) => [symbol, stats.symbols[symbol]?.lastTradeId ?? 0]));
}

/** Trades generated for `symbols` between two stats snapshots. */
export function generatedBetween(before: EmulatorStats, after: EmulatorStats, symbols: readonly string[]): number {
  let total = 0;
  for (const symbol of symbols) {
    total += (after.symbols[symbol]?.generated ?? 0) - (before.symbols[symbol]?.generated ?? 0);
  }
  return total;
}
