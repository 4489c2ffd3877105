import { NewStoredAggTrade, TradeHistory } from './trade-history';

function trade(index: number): NewStoredAggTrade {
  return {
    tradeTime: 1_000 + Math.floor(index / 2),
    priceTicks: 100 + index,
    quantitySteps: 1 + index,
    firstTradeId: 50 + index * 2,
    tradeCount: 2,
    isBuyerMaker: index % 2 === 0,
  };
}

function filled(limit: number, count: number): TradeHistory {
  const history = new TradeHistory({ firstAggTradeId: 1_000, limit });
  for (let i = 0; i < count; i++) {
    history.append(trade(i));
  }
  return history;
}

describe('TradeHistory', () => {
  it('assigns sequential ids and reads back every field', () => {
    const history = filled(100, 3);
    expect(history.oldestId).toBe(1_000);
    expect(history.newestId).toBe(1_002);
    expect(history.get(1_001)).toEqual({
      aggTradeId: 1_001,
      tradeTime: 1_000,
      priceTicks: 101,
      quantitySteps: 2,
      firstTradeId: 52,
      tradeCount: 2,
      isBuyerMaker: false,
    });
  });

  it('keeps exactly the newest `limit` trades once it wraps, across chunk boundaries', () => {
    const history = filled(10_000, 25_000);
    expect(history.size).toBe(10_000);
    expect(history.oldestId).toBe(1_000 + 15_000);
    expect(history.get(1_000 + 14_999)).toBeUndefined();
    const rows = history.readFromId(0, 20_000);
    expect(rows).toHaveLength(10_000);
    expect(rows[0].aggTradeId).toBe(16_000);
    rows.forEach((row, i) => expect(row.firstTradeId).toBe(50 + (15_000 + i) * 2));
    expect(history.retainedBytes).toBeLessThanOrEqual((10_000 + 2 * 4096) * 21);
  });

  it('reads from an id, the latest page, and time windows', () => {
    const history = filled(1_000, 100);
    expect(history.readFromId(1_095, 10).map((row) => row.aggTradeId)).toEqual([1_095, 1_096, 1_097, 1_098, 1_099]);
    expect(history.readFromId(2_000, 10)).toEqual([]);
    expect(history.readLatest(2).map((row) => row.aggTradeId)).toEqual([1_098, 1_099]);
    expect(history.readByTime({ startTime: 1_010, limit: 3 }).map((row) => row.aggTradeId)).toEqual([1_020, 1_021, 1_022]);
    expect(history.readByTime({ startTime: 1_010, endTime: 1_010, limit: 10 }).map((row) => row.aggTradeId)).toEqual([1_020, 1_021]);
    expect(history.readByTime({ endTime: 1_001, limit: 2 }).map((row) => row.aggTradeId)).toEqual([1_002, 1_003]);
    expect(history.readByTime({ startTime: 5_000, limit: 2 })).toEqual([]);
  });

  it('rejects a non-positive limit', () => {
    expect(() => new TradeHistory({ firstAggTradeId: 1, limit: 0 })).toThrow(RangeError);
  });
});
