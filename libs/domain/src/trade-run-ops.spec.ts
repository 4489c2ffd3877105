import type { AggTrade } from './agg-trade';
import type { TradeRun } from './trade-run';
import { concatRuns, runOf, runTrades, sliceRun, tradeAt } from './trade-run-ops';

const T0 = Date.UTC(2024, 0, 1);

/** libs/testing builds on this library, so its specs build trades here. */
function trades(firstId: number, count: number, fields: Partial<AggTrade> = {}): AggTrade[] {
  return Array.from({ length: count }, (_, index) => ({
    symbol: 'ETHUSDT',
    tradeId: firstId + index,
    price: `${3_000 + index}.${String(index % 100).padStart(2, '0')}000000`,
    quantity: '1.00000000',
    firstTradeId: (firstId + index) * 2,
    lastTradeId: (firstId + index) * 2 + 1,
    tradeTime: T0 + (firstId + index) * 10,
    isBuyerMaker: index % 3 === 0,
    ...fields,
  }));
}

describe('tradeAt', () => {
  it.each([
    [6_000_012, 2, 8, '60000.12000000'],
    [123, 0, 0, '123'],
    [1, 3, 8, '0.00100000'],
    [0, 0, 8, '0.00000000'],
    [5, 0, 2, '5.00'],
    [12_345, 5, 5, '0.12345'],
  ])('writes %d units at scale %d with %d decimals as %s', (units, scale, decimals, text) => {
    const run: TradeRun = { ...runOf(trades(1, 1)), priceUnits: Float64Array.of(units), priceScale: scale, priceTextDecimals: decimals };
    expect(tradeAt(run, 0).price).toBe(text);
  });

  it.each([-1, 3, 1.5])('refuses index %d of a run of 3', (index) => {
    expect(() => tradeAt(runOf(trades(1, 3)), index)).toThrow(/ETHUSDT run #1 has no trade at index .* \(it holds 3\)/);
  });
});

describe('sliceRun', () => {
  const all = trades(10, 10);
  const run = runOf(all);

  it('views the trades between two ids, both included', () => {
    const slice = sliceRun(run, 12, 14)!;
    expect(slice).toMatchObject({ firstId: 12, count: 3 });
    expect(slice.time.buffer).toBe(run.time.buffer);
    expect(runTrades(slice)).toEqual(all.slice(2, 5));
  });

  it('clamps ids beyond the run and returns the run itself when it is all inside', () => {
    expect(runTrades(sliceRun(run, 15, 1_000)!)).toEqual(all.slice(5));
    expect(sliceRun(run, 0, 19)).toBe(run);
  });

  it.each([
    [0, 9],
    [20, 30],
    [15, 14],
  ])('is null for ids %d..%d outside it', (from, to) => {
    expect(sliceRun(run, from, to)).toBeNull();
  });
});

describe('concatRuns', () => {
  it('joins consecutive runs at the largest scale among them', () => {
    const first = trades(1, 3, { price: '100.50000000' });
    const second = trades(4, 2, { price: '100.12345000', quantity: '0.00100000' });
    const third = trades(6, 4);
    const joined = concatRuns([runOf(first), runOf(second), sliceRun(runOf([...trades(2, 4), ...third]), 6, 9)!]);
    expect(joined).toMatchObject({ symbol: 'ETHUSDT', firstId: 1, count: 9, priceScale: 5, quantityScale: 3 });
    expect(runTrades(joined)).toEqual([...first, ...second, ...third]);
  });

  it.each([
    ['a gap in ids', trades(5, 2), /Cannot join ETHUSDT runs at #5: it follows #3/],
    ['an overlap', trades(3, 2), /at #3: it follows #3/],
    ['another symbol', trades(4, 2, { symbol: 'BTCUSDT' }), /symbol BTCUSDT follows ETHUSDT/],
    ['another width', trades(4, 2, { quantity: '1.0' }), /text widths differ/],
    ['a time going back', trades(4, 2, { tradeTime: T0 }), /its time is earlier/],
    ['a common scale past 2^53', trades(4, 1, { quantity: '0.00000001' }), /pass 2\^53 at the common scale/],
  ])('refuses %s', (_, next, reason) => {
    const first = runOf(trades(1, 3, { quantity: '90071993.00000000' }));
    expect(() => concatRuns([first, runOf(next)])).toThrow(reason);
  });

  it('refuses nothing to join', () => {
    expect(() => concatRuns([])).toThrow(/No runs/);
  });
});

describe('runOf', () => {
  it('refuses trades that make no run or more than one', () => {
    expect(() => runOf([])).toThrow(/0 trades make 0 runs, not one/);
    expect(() => runOf([...trades(1, 2), ...trades(5, 1)])).toThrow(/3 trades make 2 runs, not one/);
  });
});
