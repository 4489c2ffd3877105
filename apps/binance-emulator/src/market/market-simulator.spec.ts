import type { MarketSymbolSpec } from './market.types';
import { MarketSimulator } from './market-simulator';
import type { StoredAggTrade } from './trade-history';

const SPECS: MarketSymbolSpec[] = [
  { symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', startPrice: '37000.00', tradesPerSecond: 50 },
  { symbol: 'SHIBUSDT', status: 'TRADING', baseAsset: 'SHIB', quoteAsset: 'USDT', startPrice: '0.00000900', tradesPerSecond: 4 },
  { symbol: 'HALTUSDT', status: 'HALT', baseAsset: 'HALT', quoteAsset: 'USDT', startPrice: '1.00', tradesPerSecond: 50 },
];

/** Runs the market on jest's fake clock for `seconds` and returns the trades per symbol. */
function run(seconds: number, prepare: (simulator: MarketSimulator) => void = () => undefined): Map<string, StoredAggTrade[]> {
  const trades = new Map<string, StoredAggTrade[]>(SPECS.map((spec) => [spec.symbol, []]));
  const simulator = new MarketSimulator({
    specs: SPECS,
    defaultTradesPerSecond: 1,
    historyLimit: 100_000,
    seed: 1,
    archiveTradesPerDay: 86_400,
    onTrade: (market, trade) => trades.get(market.symbol)?.push(trade),
    onBatchEnd: () => undefined,
  });
  prepare(simulator);
  simulator.start();
  jest.advanceTimersByTime(seconds * 1_000);
  simulator.stop();
  return trades;
}

describe('MarketSimulator: trade times', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2024, 2, 1, 12) }));
  afterEach(() => jest.useRealTimers());

  it('keeps each symbol at its configured average rate', () => {
    const trades = run(300);
    expect(trades.get('BTCUSDT')?.length).toBeGreaterThan(50 * 300 * 0.95);
    expect(trades.get('BTCUSDT')?.length).toBeLessThan(50 * 300 * 1.05);
    expect(trades.get('SHIBUSDT')?.length).toBeGreaterThan(4 * 300 * 0.85);
    expect(trades.get('SHIBUSDT')?.length).toBeLessThan(4 * 300 * 1.15);
    expect(trades.get('HALTUSDT')).toHaveLength(0);
  });

  it('clusters trade times: bursts in one millisecond, then pauses longer than the mean gap', () => {
    const times = (run(300).get('SHIBUSDT') ?? []).map((trade) => trade.tradeTime);
    const gaps = times.slice(1).map((time, i) => time - times[i]);
    expect(gaps.every((gap) => gap >= 0)).toBe(true);
    expect(gaps.filter((gap) => gap === 0).length / gaps.length).toBeGreaterThan(0.3);
    expect(gaps.filter((gap) => gap > 3 * 250).length).toBeGreaterThan(0);
    // The longest pause stays bounded (about 5.5 mean gaps, plus a tick).
    expect(Math.max(...gaps)).toBeLessThan(6 * 250 + 20);
  });

  it('follows a rate change at once', () => {
    const trades = run(100, (simulator) => simulator.setTradeRate('BTCUSDT', 500));
    expect(trades.get('BTCUSDT')?.length).toBeGreaterThan(500 * 100 * 0.95);
    expect(trades.get('BTCUSDT')?.length).toBeLessThan(500 * 100 * 1.05);
  });
});
