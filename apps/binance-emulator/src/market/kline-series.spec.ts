import { createDefaultMarket } from './default-market';
import { klineSeries } from './kline-series';
import type { AggTradeRecord, MarketSymbolSpec } from './market.types';
import { MS_PER_DAY, parseDay } from './symbol-listing';
import { SymbolMarket } from './symbol-market';

const START_DAY = parseDay('2024-03-01') as number;
const T = START_DAY * MS_PER_DAY + 12 * 3_600_000; // 12:00 UTC
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Row = [number, string, string, string, string, string, number, string, number, string, string, string];

function marketWithTrades(times: number[]): { market: SymbolMarket; sent: AggTradeRecord[] } {
  const spec = createDefaultMarket({ generatedCount: 3 }).find((entry) => entry.symbol === 'BTCUSDT') as MarketSymbolSpec;
  const market = new SymbolMarket({ spec, seed: 3, tradesPerSecond: 0, historyLimit: 10_000, startDay: START_DAY, archiveTradesPerDay: 1_000 });
  return { market, sent: times.map((time) => market.toRecord(market.nextTrade(time))) };
}

/** The kline of `trades` the obvious way: decimal strings to BigInt units of 1e-8. */
function expectedRow(openTime: number, closeTime: number, trades: AggTradeRecord[]): Row {
  const units = (text: string) => BigInt(text.replace('.', ''));
  const text = (value: bigint) => `${value / 100_000_000n}.${(value % 100_000_000n).toString().padStart(8, '0')}`;
  const prices = trades.map((trade) => units(trade.price));
  const sum = (of: (trade: AggTradeRecord) => bigint, only = (_: AggTradeRecord) => true) => trades.filter(only).reduce((total, trade) => total + of(trade), 0n);
  const taker = (trade: AggTradeRecord) => !trade.isBuyerMaker;
  return [
    openTime,
    trades[0].price,
    text(prices.reduce((a, b) => (a > b ? a : b))),
    text(prices.reduce((a, b) => (a < b ? a : b))),
    trades[trades.length - 1].price,
    text(sum((trade) => units(trade.quantity))),
    closeTime,
    text(sum((trade) => units(trade.price) * units(trade.quantity)) / 100_000_000n),
    trades.reduce((total, trade) => total + trade.lastTradeId - trade.firstTradeId + 1, 0),
    text(sum((trade) => units(trade.quantity), taker)),
    text(sum((trade) => units(trade.price) * units(trade.quantity), taker) / 100_000_000n),
    '0',
  ];
}

const quiet = (openTime: number, closeTime: number, price: string): Row => [
  openTime, price, price, price, price, '0.00000000', closeTime, '0.00000000', 0, '0.00000000', '0.00000000', '0',
];

function klines(market: SymbolMarket, query: Partial<Parameters<typeof klineSeries>[1]>): Row[] {
  return JSON.parse(klineSeries(market, { interval: '1m', offsetMs: 0, limit: 500, now: T + 5 * MINUTE, ...query })) as Row[];
}

describe('klines of the held trades, as Binance gives them', () => {
  const { market, sent } = marketWithTrades([T + 1_000, T + 2_000, T + 40_000, T + 2 * MINUTE + 5, T + 2 * MINUTE + 59_999]);
  const minute = (index: number) => sent.filter((trade) => Math.floor((trade.tradeTime - T) / MINUTE) === index);

  it('folds each interval exactly, shows a quiet one at the previous close, and runs on quietly to the current interval', () => {
    expect(klines(market, {})).toEqual([
      expectedRow(T, T + MINUTE - 1, minute(0)),
      quiet(T + MINUTE, T + 2 * MINUTE - 1, sent[2].price),
      expectedRow(T + 2 * MINUTE, T + 3 * MINUTE - 1, minute(2)),
      quiet(T + 3 * MINUTE, T + 4 * MINUTE - 1, sent[4].price),
      quiet(T + 4 * MINUTE, T + 5 * MINUTE - 1, sent[4].price),
      quiet(T + 5 * MINUTE, T + 6 * MINUTE - 1, sent[4].price),
    ]);
  });

  it('keys klines by open time: startTime inside an interval starts at the next, endTime takes the one opening before it', () => {
    expect(klines(market, { startTime: T + 1, endTime: T + 2 * MINUTE }).map((row) => row[0])).toEqual([T + MINUTE, T + 2 * MINUTE]);
    expect(klines(market, { endTime: T + 2 * MINUTE - 1, limit: 1 }).map((row) => row[0])).toEqual([T + MINUTE]);
    expect(klines(market, { startTime: T + 3 * MINUTE, endTime: T + MINUTE })).toEqual([]);
  });

  it('starts at the first trade held, however early startTime is, and gives the first `limit`', () => {
    expect(klines(market, { startTime: 0, limit: 2 }).map((row) => row[0])).toEqual([T, T + MINUTE]);
    expect(klines(market, { endTime: T + 10 * HOUR, limit: 500 })).toHaveLength(6);
  });

  it('opens intervals on the clock of a time zone; startTime and endTime stay UTC', () => {
    const days = klines(market, { interval: '1d', offsetMs: 8 * HOUR });
    // 12:00 UTC is 20:00 at UTC+8: the local day opened at 16:00 UTC the day before.
    expect(days).toEqual([expectedRow(T - 20 * HOUR, T + 4 * HOUR - 1, sent)]);
    const hours = klines(market, { interval: '1h', offsetMs: -(5 * 60 + 45) * MINUTE });
    // 12:00 UTC is 06:15 at UTC−5:45: the local hour opened at 11:45 UTC.
    expect(hours.map((row) => row[0])).toEqual([T - 15 * MINUTE]);
  });

  it('has no klines before the first trade', () => {
    expect(klines(marketWithTrades([]).market, {})).toEqual([]);
  });
});
