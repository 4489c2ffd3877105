import { aggTrade } from '@binance-rates/testing';
import { halveSealedRows, holdsAnyOf, partitionSealedRows, readSealedRow } from './sealed-trade-rows';
import { SealedTradeRows, TradeCopyBatch } from './trade-copy-batch';

function sealed(trades: Array<[string, number]>): SealedTradeRows {
  const batch = new TradeCopyBatch();
  for (const [symbol, tradeId] of trades) batch.append(aggTrade({ symbol, tradeId }));
  return batch.seal();
}

const keys = (batch: SealedTradeRows): string[] =>
  batch.payload
    .toString('latin1')
    .split('\n')
    .filter((row) => row !== '')
    .map((row) => row.split('\t').slice(0, 2).join('#'));

describe('sealed trade rows', () => {
  const batch = sealed([['BTCUSDT', 1], ['ETH', 1], ['ETHBTC', 5], ['BTCUSDT', 2], ['ETH', 2]]);

  it('tells whether a batch holds a symbol, not one its name merely begins', () => {
    expect(holdsAnyOf(batch, new Set(['ETH']))).toBe(true);
    expect(holdsAnyOf(batch, new Set(['ETHB', 'XRPUSDT']))).toBe(false);
  });

  it('splits the rows of held symbols from the others, counting each side', () => {
    const { held, free } = partitionSealedRows(batch, new Set(['ETH']));
    expect({ rows: held.rows, keys: keys(held) }).toEqual({ rows: 2, keys: ['ETH#1', 'ETH#2'] });
    expect({ rows: free.rows, keys: keys(free) }).toEqual({ rows: 3, keys: ['BTCUSDT#1', 'BTCUSDT#2', 'ETHBTC#5'] });
  });

  it('halves a batch by rows down to one row it can read back', () => {
    const [first, second] = halveSealedRows(batch);
    expect([first.rows, second.rows]).toEqual([2, 3]);
    expect([...keys(first), ...keys(second)]).toEqual(keys(batch));
    const [one] = halveSealedRows(first);
    expect(readSealedRow(one)).toMatchObject({ symbol: 'BTCUSDT', tradeId: 1 });
  });
});
