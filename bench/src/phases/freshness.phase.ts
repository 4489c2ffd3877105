import { Agent } from 'node:http';
import type { BenchContext } from '../bench.context';
import type { AggTradeRecord } from '@binance-rates/emulator';
import { nowMs } from '../infra/http-json';
import { invisibleDurations, percentile, PriceObservation } from './freshness.math';

export interface FreshnessResult {
  symbols: string[];
  polls: number;
  trades: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Resolution of the method: time between two observations of one symbol, and one request's round trip. */
  pollIntervalP50Ms: number;
  rttP50Ms: number;
  rttP99Ms: number;
}

const MAX_TRADES_PER_READ = 100_000;

/**
 * Polls GET /api/currency/{symbol} back to back for `symbols` (one keep-alive connection each) for `seconds`
 * while the market runs, then asks the emulator for the time of every trade it sent in between and charges each
 * trade the time until the first answer that showed it (see invisibleDurations).
 */
export async function measureFreshness(context: BenchContext, symbols: readonly string[], seconds: number): Promise<FreshnessResult> {
  const deadline = nowMs() + seconds * 1000;
  const perSymbol = await Promise.all(
    symbols.map(async (symbol) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const observations: PriceObservation[] = [];
      try {
        while (nowMs() < deadline) {
          const sentAt = nowMs();
          const price = await context.service.client.price(symbol, agent);
          observations.push({ sentAt, receivedAt: nowMs(), tradeId: price.tradeId });
        }
      } finally {
        agent.destroy();
      }
      return { symbol, observations };
    }),
  );
  const durations: number[] = [];
  const intervals: number[] = [];
  const rtts: number[] = [];
  let polls = 0;
  for (const { symbol, observations } of perSymbol) {
    polls += observations.length;
    observations.forEach((observation, index) => {
      rtts.push(observation.receivedAt - observation.sentAt);
      if (index > 0) intervals.push(observation.receivedAt - observations[index - 1].receivedAt);
    });
    const ids = observations.map((observation) => observation.tradeId).filter((id): id is number => id !== null);
    if (ids.length < 2) {
      continue;
    }
    const trades = await readTrades(context, symbol, ids[0] + 1, ids[ids.length - 1]);
    durations.push(...invisibleDurations(observations, trades));
  }
  return {
    symbols: [...symbols],
    polls,
    trades: durations.length,
    p50Ms: percentile(durations, 50),
    p90Ms: percentile(durations, 90),
    p99Ms: percentile(durations, 99),
    maxMs: percentile(durations, 100),
    pollIntervalP50Ms: percentile(intervals, 50),
    rttP50Ms: percentile(rtts, 50),
    rttP99Ms: percentile(rtts, 99),
  };
}

async function readTrades(context: BenchContext, symbol: string, fromId: number, toId: number): Promise<AggTradeRecord[]> {
  const trades: AggTradeRecord[] = [];
  let next = fromId;
  while (next <= toId) {
    const page = await context.emulator.client.trades(symbol, next, Math.min(MAX_TRADES_PER_READ, toId - next + 1));
    if (page.length === 0) {
      break;
    }
    trades.push(...page.filter((trade) => trade.aggTradeId <= toId));
    next = page[page.length - 1].aggTradeId + 1;
  }
  return trades;
}
