import { mapSymbol } from './symbol.dto';

describe('mapSymbol', () => {
  const price = { symbol: 'BTCUSDT', price: '37000.10000000', tradeId: 7, tradeTime: 1_000 };

  it('answers each symbol with its own addedAt, also when the same Date is answered again', () => {
    const first = new Date('2026-11-26T10:00:00.000Z');
    const second = new Date('2026-11-26T11:30:00.123Z');
    const answers = [first, second, first, second].map((addedAt) => mapSymbol({ symbol: 'BTCUSDT', addedAt, price, streamLive: true }, 1_500).addedAt);
    expect(answers).toEqual(['2026-11-26T10:00:00.000Z', '2026-11-26T11:30:00.123Z', '2026-11-26T10:00:00.000Z', '2026-11-26T11:30:00.123Z']);
  });

  it('reports the price, its age and nulls for a symbol without a price yet', () => {
    const addedAt = new Date('2026-11-26T10:00:00.000Z');
    expect(mapSymbol({ symbol: 'BTCUSDT', addedAt, price, streamLive: true }, 1_500)).toEqual({
      symbol: 'BTCUSDT',
      price: '37000.10000000',
      tradeId: 7,
      tradeTime: 1_000,
      ageMs: 500,
      streamLive: true,
      addedAt: '2026-11-26T10:00:00.000Z',
    });
    expect(mapSymbol({ symbol: 'ETHUSDT', addedAt, price: null, streamLive: null }, 1_500)).toMatchObject({ price: null, tradeId: null, tradeTime: null, ageMs: null });
  });
});
