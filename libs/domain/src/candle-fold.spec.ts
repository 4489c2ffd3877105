import type { AggTrade } from './agg-trade';
import { decimalText } from './candle-decimal';
import { CandleFold } from './candle-fold';
import { type CandlePartialText, candlePartialText } from './candle-partial';
import { TradeRunBatch } from './trade-run-batch';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);

/** Trades of one symbol with ids from `firstId` on, prices and quantities drawn at random on 8 printed decimals. */
function randomTrades(params: { symbol: string; firstId: number; count: number; seed: number; huge?: boolean }): AggTrade[] {
  let seed = params.seed;
  const next = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const eight = (whole: number, fraction: number) => `${whole}.${String(fraction).padStart(8, '0')}`;
  let time = T0 + next(MINUTE);
  let rawId = 1_000;
  return Array.from({ length: params.count }, (_, i) => {
    time += next(4) === 0 ? 0 : next(20_000);
    const fills = 1 + next(3);
    rawId += fills;
    return {
      symbol: params.symbol,
      tradeId: params.firstId + i,
      price: params.huge ? eight(9_999_000 + next(999), 99_999_999) : eight(100 + next(50), next(4) * 25_000_000),
      quantity: params.huge ? eight(99_999, 99_999_999) : eight(next(3), next(100_000_000)),
      firstTradeId: rawId - fills + 1,
      lastTradeId: rawId,
      tradeTime: time,
      isBuyerMaker: next(2) === 0,
    };
  });
}

/** Candles computed the slow, obvious way: every decimal as a BigInt of 10^-8 units. */
function expectedCandles(trades: readonly AggTrade[]): CandlePartialText[] {
  const units = (text: string) => BigInt(text.replace('.', ''));
  const groups = new Map<string, AggTrade[]>();
  for (const trade of [...trades].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : a.tradeId - b.tradeId))) {
    const key = `${trade.symbol} ${String(trade.tradeTime - (trade.tradeTime % MINUTE)).padStart(15, '0')}`;
    groups.set(key, [...(groups.get(key) ?? []), trade]);
  }
  return [...groups.keys()].sort().map((key) => {
    const group = groups.get(key)!;
    const sum = (of: (t: AggTrade) => bigint, only = (_: AggTrade) => true) => group.filter(only).reduce((total, t) => total + of(t), 0n);
    const byPrice = [...group].sort((a, b) => (units(a.price) < units(b.price) ? -1 : units(a.price) > units(b.price) ? 1 : 0));
    const takerBuy = (t: AggTrade) => !t.isBuyerMaker;
    return {
      symbol: group[0]!.symbol,
      openTime: group[0]!.tradeTime - (group[0]!.tradeTime % MINUTE),
      open: group[0]!.price,
      high: byPrice[byPrice.length - 1]!.price,
      low: byPrice[0]!.price,
      close: group[group.length - 1]!.price,
      volume: decimalText(sum((t) => units(t.quantity)), 8),
      quoteVolume: decimalText(sum((t) => units(t.price) * units(t.quantity)), 16),
      takerBuyVolume: decimalText(sum((t) => units(t.quantity), takerBuy), 8),
      takerBuyQuoteVolume: decimalText(sum((t) => units(t.price) * units(t.quantity), takerBuy), 16),
      trades: group.reduce((total, t) => total + t.lastTradeId - t.firstTradeId + 1, 0),
      aggTrades: group.length,
      firstAggId: group[0]!.tradeId,
      lastAggId: group[group.length - 1]!.tradeId,
    };
  });
}

function fold(runsOfTrades: readonly (readonly AggTrade[])[]): CandlePartialText[] {
  const candleFold = new CandleFold(MINUTE);
  for (const trades of runsOfTrades) {
    const batch = new TradeRunBatch();
    trades.forEach((trade) => batch.append(trade));
    for (const run of batch.seal()) {
      candleFold.add(run);
    }
  }
  return candleFold.partials().map(candlePartialText);
}

describe('CandleFold', () => {
  it('folds a run into exact candles per minute: open and close by id, extremes, volumes, taker buys, trade counts', () => {
    const trades: AggTrade[] = [
      { symbol: 'BTCUSDT', tradeId: 7, price: '10.50000000', quantity: '2.00000000', firstTradeId: 100, lastTradeId: 102, tradeTime: T0, isBuyerMaker: false },
      { symbol: 'BTCUSDT', tradeId: 8, price: '11.00000000', quantity: '1.00000000', firstTradeId: 103, lastTradeId: 103, tradeTime: T0 + 30_000, isBuyerMaker: true },
      { symbol: 'BTCUSDT', tradeId: 9, price: '9.75000000', quantity: '4.00000000', firstTradeId: 104, lastTradeId: 105, tradeTime: T0 + 59_999, isBuyerMaker: false },
      { symbol: 'BTCUSDT', tradeId: 10, price: '12.25000000', quantity: '0.10000000', firstTradeId: 106, lastTradeId: 106, tradeTime: T0 + 2 * MINUTE, isBuyerMaker: false },
    ];
    expect(fold([trades])).toEqual([
      {
        symbol: 'BTCUSDT', openTime: T0, open: '10.50000000', high: '11.00000000', low: '9.75000000', close: '9.75000000',
        volume: '7', quoteVolume: '71', takerBuyVolume: '6', takerBuyQuoteVolume: '60', trades: 6, aggTrades: 3, firstAggId: 7, lastAggId: 9,
      },
      {
        symbol: 'BTCUSDT', openTime: T0 + 2 * MINUTE, open: '12.25000000', high: '12.25000000', low: '12.25000000', close: '12.25000000',
        volume: '0.1', quoteVolume: '1.225', takerBuyVolume: '0.1', takerBuyQuoteVolume: '1.225', trades: 1, aggTrades: 1, firstAggId: 10, lastAggId: 10,
      },
    ]);
  });

  it('gives the same candles however the trades are cut into runs and in whatever order the runs come', () => {
    const trades = [
      ...randomTrades({ symbol: 'SOLUSDT', firstId: 1, count: 600, seed: 3 }),
      ...randomTrades({ symbol: 'ETHUSDT', firstId: 50, count: 300, seed: 4 }),
    ];
    const expected = expectedCandles(trades);
    expect(fold([trades])).toEqual(expected);
    let seed = 9;
    const cuts: AggTrade[][] = [];
    for (let start = 0; start < trades.length; ) {
      seed = (seed * 7_919 + 13) % 101;
      cuts.push(trades.slice(start, start + 1 + seed));
      start += 1 + seed;
    }
    expect(fold(cuts.reverse())).toEqual(expected);
  });

  it('stays exact where sums and products pass 2^53', () => {
    const trades = randomTrades({ symbol: 'BTCUSDT', firstId: 1, count: 200, seed: 5, huge: true });
    expect(fold([trades.slice(0, 90), trades.slice(90)])).toEqual(expectedCandles(trades));
  });

  it('merges runs of one minute whose prices have different scales', () => {
    const base = { symbol: 'BTCUSDT', firstTradeId: 1, lastTradeId: 1, isBuyerMaker: false };
    const candles = fold([
      [{ ...base, tradeId: 1, price: '10.00000000', quantity: '1.00000000', tradeTime: T0 }],
      [{ ...base, tradeId: 2, price: '10.12345678', quantity: '0.50000000', tradeTime: T0 + 1 }],
      [{ ...base, tradeId: 3, price: '9.50000000', quantity: '3.00000000', tradeTime: T0 + 2 }],
    ]);
    expect(candles).toEqual([
      expect.objectContaining({ open: '10.00000000', high: '10.12345678', low: '9.50000000', close: '9.50000000', volume: '4.5', quoteVolume: '43.56172839', trades: 3 }),
    ]);
  });
});
