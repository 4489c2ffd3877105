import { invisibleDurations, percentile } from './freshness.math';

describe('invisibleDurations', () => {
  const observations = [
    { sentAt: 1000, receivedAt: 1002, tradeId: 10 },
    { sentAt: 1002, receivedAt: 1004, tradeId: 10 },
    { sentAt: 1004, receivedAt: 1006, tradeId: 12 },
    { sentAt: 1006, receivedAt: 1008, tradeId: 13 },
  ];

  it('charges each trade to the first observation that shows it or a newer one', () => {
    const trades = [
      { aggTradeId: 10, tradeTime: 990 },
      { aggTradeId: 11, tradeTime: 1001 },
      { aggTradeId: 12, tradeTime: 1003 },
      { aggTradeId: 13, tradeTime: 1004 },
      { aggTradeId: 14, tradeTime: 1007 },
    ];
    // 10 was visible before polling began and 14 was never seen: both are left out.
    expect(invisibleDurations(observations, trades)).toEqual([1005 - 1001, 1005 - 1003, 1007 - 1004]);
  });

  it('ignores observations taken before the symbol had a price', () => {
    const early = [{ sentAt: 990, receivedAt: 991, tradeId: null }, ...observations];
    expect(invisibleDurations(early, [{ aggTradeId: 11, tradeTime: 1000 }])).toEqual([5]);
  });

  it('returns nothing without two priced observations', () => {
    expect(invisibleDurations([observations[0]], [{ aggTradeId: 11, tradeTime: 1000 }])).toEqual([]);
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });
});
