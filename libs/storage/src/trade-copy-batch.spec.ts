import { aggTrade } from '@binance-rates/testing';
import { TradeCopyBatch } from './trade-copy-batch';

const T0 = Date.UTC(2024, 0, 1, 12, 30, 5);

function rows(batch: TradeCopyBatch): string[] {
  return batch.seal().payload.toString('utf8').split('\n').slice(0, -1);
}

describe('TradeCopyBatch', () => {
  it('encodes a trade as one COPY text row', () => {
    const batch = new TradeCopyBatch();
    const first = aggTrade({ tradeId: 12_345, firstTradeId: 100, lastTradeId: 105, tradeTime: T0 + 7, isBuyerMaker: true });
    batch.append(first);
    batch.append({ ...first, tradeId: 12_346, isBuyerMaker: false, tradeTime: T0 + 999 });
    expect(batch.count).toBe(2);
    expect(rows(batch)).toEqual([
      'BTCUSDT\t12345\t37000.12000000\t0.50000000\t100\t105\t2024-01-01T12:30:05.007Z\tt',
      'BTCUSDT\t12346\t37000.12000000\t0.50000000\t100\t105\t2024-01-01T12:30:05.999Z\tf',
    ]);
  });

  it('writes integers of every length and sign exactly, and times before 1970', () => {
    const batch = new TradeCopyBatch();
    const ids = [0, 9, 10, 99, 100, 123_456_789, Number.MAX_SAFE_INTEGER, -1, -10];
    for (const id of ids) {
      batch.append(aggTrade({ tradeId: id, firstTradeId: id, lastTradeId: id, tradeTime: -1, isBuyerMaker: true }));
    }
    expect(rows(batch).map((row) => row.split('\t'))).toEqual(
      ids.map((id) => ['BTCUSDT', String(id), '37000.12000000', '0.50000000', String(id), String(id), '1969-12-31T23:59:59.999Z', 't']),
    );
  });

  it('groups rows per symbol in code-unit order, each symbol keeping its own order', () => {
    const batch = new TradeCopyBatch();
    for (const [symbol, tradeId] of [['ETHUSDT', 1], ['1000SATSUSDT', 5], ['BTCUSDT', 3], ['ETHUSDT', 2], ['BTCUSDT', 1]] as const) {
      batch.append(aggTrade({ symbol, tradeId }));
    }
    expect(rows(batch).map((row) => row.split('\t').slice(0, 2).join(' '))).toEqual([
      '1000SATSUSDT 5',
      'BTCUSDT 3',
      'BTCUSDT 1',
      'ETHUSDT 1',
      'ETHUSDT 2',
    ]);
  });

  it('is empty after sealing, and the next batch holds only what came after', () => {
    const batch = new TradeCopyBatch();
    batch.append(aggTrade({ symbol: 'ETHUSDT', tradeId: 1 }));
    batch.append(aggTrade({ symbol: 'BTCUSDT', tradeId: 1 }));
    expect(batch.seal().rows).toBe(2);
    expect(batch.count).toBe(0);
    expect(batch.seal()).toEqual({ payload: Buffer.alloc(0), rows: 0 });
    batch.append(aggTrade({ symbol: 'ETHUSDT', tradeId: 2 }));
    batch.append(aggTrade({ symbol: 'XRPUSDT', tradeId: 7 }));
    const { payload, rows } = batch.seal();
    expect(rows).toBe(2);
    expect(payload.toString('utf8').split('\n').slice(0, -1).map((row) => row.split('\t').slice(0, 2).join(' '))).toEqual([
      'ETHUSDT 2',
      'XRPUSDT 7',
    ]);
  });

  it('grows past its initial buffer without losing rows', () => {
    const batch = new TradeCopyBatch();
    for (let id = 1; id <= 5_000; id++) {
      batch.append(aggTrade({ tradeId: id, price: `${id}.5`, tradeTime: T0 + id * 37 }));
    }
    const encoded = rows(batch);
    expect(encoded).toHaveLength(5_000);
    expect(encoded[4_999]!.split('\t').slice(1, 3)).toEqual(['5000', '5000.5']);
    expect(encoded[4_999]!.split('\t')[6]).toBe(new Date(T0 + 5_000 * 37).toISOString());
  });

  it.each([
    ['a tab in the price', { price: '1\t2' }, /control, non-ASCII or backslash/],
    ['a newline in the quantity', { quantity: '1\n2' }, /control, non-ASCII or backslash/],
    ['a backslash in the symbol', { symbol: 'BTC\\USDT' }, /control, non-ASCII or backslash/],
    ['a non-ASCII price', { price: '1٫5' }, /control, non-ASCII or backslash/],
    ['a fractional trade time', { tradeTime: T0 + 0.5 }, /not whole milliseconds/],
    ['a time Date cannot hold', { tradeTime: 9e15 }, /Invalid time value/],
    ['a time beyond year 9999, which PostgreSQL cannot read', { tradeTime: Date.UTC(10000, 0, 1) }, /outside the years PostgreSQL stores/],
    ['a time before year 1', { tradeTime: Date.UTC(-1, 0, 1) }, /outside the years PostgreSQL stores/],
    ['an unsafe id', { lastTradeId: 2 ** 53 }, /not a safe integer/],
  ])('refuses %s and leaves the batch as it was', (_label, overrides, message) => {
    const batch = new TradeCopyBatch();
    batch.append(aggTrade({ tradeId: 1 }));
    expect(() => batch.append(aggTrade({ tradeId: 2, ...overrides }))).toThrow(message);
    batch.append(aggTrade({ tradeId: 3 }));
    expect(batch.count).toBe(2);
    expect(rows(batch).map((row) => row.split('\t')[1])).toEqual(['1', '3']);
  });
});
