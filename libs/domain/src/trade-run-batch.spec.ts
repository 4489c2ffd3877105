import type { AggTrade } from './agg-trade';
import { lastIdOf, type TradeRun } from './trade-run';
import { TradeRunBatch } from './trade-run-batch';
import { runTrades } from './trade-run-ops';

const T0 = Date.UTC(2024, 0, 1);

/** libs/testing builds on this library, so its specs build trades here. */
function trade(fields: Partial<AggTrade> = {}): AggTrade {
  const tradeId = fields.tradeId ?? 1;
  return {
    symbol: 'BTCUSDT',
    tradeId,
    price: '37000.12000000',
    quantity: '0.50000000',
    firstTradeId: tradeId * 10,
    lastTradeId: tradeId * 10 + 3,
    tradeTime: T0 + tradeId * 1_000,
    isBuyerMaker: tradeId % 2 === 0,
    ...fields,
  };
}

function sealed(trades: AggTrade[]): TradeRun[] {
  const batch = new TradeRunBatch();
  trades.forEach((one) => batch.append(one));
  return batch.seal();
}

const shape = (run: TradeRun): string => `${run.symbol} ${run.firstId}..${lastIdOf(run)}`;

describe('TradeRunBatch', () => {
  it('holds consecutive trades of a symbol as one run of exact units at the fewest decimals they need', () => {
    const prices = ['60000.10000000', '60000.12000000', '60001.00000000'];
    const quantities = ['1.00000000', '0.00012000', '25.50000000'];
    const trades = prices.map((price, index) => trade({ tradeId: 7 + index, price, quantity: quantities[index]! }));
    const [run, ...others] = sealed(trades);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ symbol: 'BTCUSDT', firstId: 7, count: 3, priceScale: 2, priceTextDecimals: 8, quantityScale: 5, quantityTextDecimals: 8 });
    expect([...run!.priceUnits]).toEqual([6_000_010, 6_000_012, 6_000_100]);
    expect([...run!.quantityUnits]).toEqual([100_000, 12, 2_550_000]);
    expect([...run!.firstTradeId]).toEqual([70, 80, 90]);
    expect([...run!.lastTradeId]).toEqual([73, 83, 93]);
    expect([...run!.time]).toEqual([T0 + 7_000, T0 + 8_000, T0 + 9_000]);
    expect([...run!.buyerMaker]).toEqual([0, 1, 0]);
    expect(runTrades(run!)).toEqual(trades);
  });

  it.each([
    ['an id jump', { tradeId: 5 }],
    ['a repeated id', { tradeId: 3 }],
    ['an earlier id', { tradeId: 1 }],
    ['another price width', { tradeId: 4, price: '37000.12' }],
    ['another quantity width', { tradeId: 4, quantity: '0.5' }],
    ['a time going back', { tradeId: 4, tradeTime: T0 }],
    ['units a common scale would take past 2^53', { tradeId: 4, quantity: '0.00000001' }],
  ])('starts a new run at %s', (_, fields) => {
    const big = '90071993.00000000';
    const trades = [trade({ tradeId: 2, quantity: big }), trade({ tradeId: 3, quantity: big }), trade(fields)];
    const runs = sealed(trades);
    expect(runs.map(shape)).toEqual(['BTCUSDT 2..3', `BTCUSDT ${fields.tradeId}..${fields.tradeId}`]);
    expect(runs.flatMap(runTrades)).toEqual(trades);
  });

  it('puts symbols in code-unit order, each in the order its trades came', () => {
    const order = [['ETHUSDT', 1], ['1000SATSUSDT', 5], ['btcusdt', 1], ['BTCUSDT', 3], ['ETHUSDT', 2], ['BTCUSDT', 1]] as const;
    const runs = sealed(order.map(([symbol, tradeId]) => trade({ symbol, tradeId })));
    expect(runs.map(shape)).toEqual(['1000SATSUSDT 5..5', 'BTCUSDT 3..3', 'BTCUSDT 1..1', 'ETHUSDT 1..2', 'btcusdt 1..1']);
  });

  it('is empty after sealing, and runs it gave stay as they were while the next batch fills', () => {
    const batch = new TradeRunBatch();
    const first = Array.from({ length: 100 }, (_, index) => trade({ tradeId: index + 1 }));
    first.forEach((one) => batch.append(one));
    expect(batch.count).toBe(100);
    const held = batch.seal();
    expect(batch.count).toBe(0);
    expect(batch.seal()).toEqual([]);
    for (let id = 1; id <= 1_000; id += 1) {
      batch.append(trade({ tradeId: id, price: `${id}.25000000`, tradeTime: T0 }));
    }
    const next = batch.seal();
    expect(held.flatMap(runTrades)).toEqual(first);
    expect(next.map(shape)).toEqual(['BTCUSDT 1..1000']);
    expect(runTrades(next[0]!)[999]!.price).toBe('1000.25000000');
  });

  it.each([
    ['a price that is no decimal', { price: '1e5' }, /price "1e5" is not a plain decimal/],
    ['a quantity with a leading zero', { quantity: '00.5' }, /quantity "00.5" is not a plain decimal/],
    ['a price past 2^53 units', { price: '90071992.54740992' }, /price "90071992.54740992" has more significant digits/],
    ['a fractional trade id', { tradeId: 1.5 }, /tradeId 1.5 is not a whole number from 0 to 2\^53 - 1/],
    ['a negative first raw id', { firstTradeId: -1 }, /firstTradeId -1 is not a whole number/],
    ['an unsafe last raw id', { lastTradeId: 2 ** 53 }, /lastTradeId 9007199254740992 is not a whole number/],
    ['a time in the year 0', { tradeTime: Date.parse('0001-01-01T00:00:00.000Z') - 1 }, /years 1 to 9999/],
    ['a time in the year 10000', { tradeTime: Date.parse('+010000-01-01T00:00:00.000Z') }, /years 1 to 9999/],
    ['a fractional time', { tradeTime: T0 + 0.5 }, /not whole milliseconds/],
    ['a symbol with a space', { symbol: 'BTC USDT' }, /symbol "BTC USDT" is not printable ASCII/],
  ])('refuses %s naming the trade, and keeps what it held', (_, fields, reason) => {
    const batch = new TradeRunBatch();
    const kept = [trade({ tradeId: 1 }), trade({ tradeId: 2 })];
    kept.forEach((one) => batch.append(one));
    const refused = trade({ tradeId: 3, ...fields });
    expect(() => batch.append(refused)).toThrow(new RegExp(`^Trade ${refused.symbol}#${refused.tradeId} cannot be stored: `));
    expect(() => batch.append(refused)).toThrow(reason);
    expect(batch.count).toBe(2);
    expect(batch.seal().flatMap(runTrades)).toEqual(kept);
  });

  it('accepts the first and last milliseconds of the years PostgreSQL stores', () => {
    const edges = [Date.parse('0001-01-01T00:00:00.000Z'), Date.parse('9999-12-31T23:59:59.999Z')];
    const trades = edges.map((tradeTime, index) => trade({ tradeId: index + 1, tradeTime }));
    expect(sealed(trades).flatMap(runTrades)).toEqual(trades);
  });

  it('splits random streams only where a run must end, and gives every trade back in order', () => {
    let seed = 99;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const batch = new TradeRunBatch();
    for (let round = 0; round < 20; round += 1) {
      const appended = new Map<string, AggTrade[]>();
      const next = new Map<string, { id: number; time: number }>();
      for (let made = 0; made < 400; made += 1) {
        const symbol = ['AUSDT', 'BUSDT', 'CUSDT'][Math.floor(random() * 3)]!;
        const at = next.get(symbol) ?? { id: 1_000, time: T0 };
        const roll = random();
        const tradeId = roll < 0.05 ? at.id + 3 : roll < 0.08 ? at.id - 2 : at.id;
        const width = random() < 0.05 ? 2 : 8;
        const digits = Math.floor(random() * 10 ** width);
        const one = trade({
          symbol,
          tradeId,
          price: `${Math.floor(random() * 70_000)}.${String(digits).padStart(width, '0')}`,
          quantity: `${Math.floor(random() * 3)}.${String(Math.floor(random() * 1e4) * 1e4).padStart(8, '0')}`,
          tradeTime: at.time + (random() < 0.03 ? -5 : Math.floor(random() * 3)),
          isBuyerMaker: random() < 0.5,
        });
        batch.append(one);
        appended.set(symbol, [...(appended.get(symbol) ?? []), one]);
        next.set(symbol, { id: tradeId + 1, time: one.tradeTime });
      }
      const runs = batch.seal();
      expect(runs.map((run) => run.symbol)).toEqual([...runs.map((run) => run.symbol)].sort());
      for (const [symbol, trades] of appended) {
        const own = runs.filter((run) => run.symbol === symbol);
        expect(own.flatMap(runTrades)).toEqual(trades);
        own.forEach((run, index) => {
          const neededScale = Math.max(...runTrades(run).map((one) => one.price.replace(/0+$/, '').split('.')[1]?.length ?? 0));
          expect(run.priceScale).toBe(neededScale);
          const previous = own[index - 1];
          if (previous !== undefined) {
            const before = runTrades(previous).at(-1)!;
            const after = runTrades(run)[0]!;
            const mustSplit =
              after.tradeId !== before.tradeId + 1 ||
              after.tradeTime < before.tradeTime ||
              after.price.length - after.price.indexOf('.') !== before.price.length - before.price.indexOf('.');
            expect(mustSplit).toBe(true);
          }
        });
      }
    }
  });
});
