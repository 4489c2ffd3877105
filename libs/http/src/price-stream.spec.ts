import { formatEndEvent, formatPriceEvents } from './price-stream';

describe('Server-Sent Events text', () => {
  it('writes one price event per coin, then one removed event per coin, each ended by a blank line', () => {
    const text = formatPriceEvents({
      prices: [{ symbol: 'BTCUSDT', price: '37000.10000000', tradeId: 12, tradeTime: 1_700_000_000_000 }],
      removed: ['ETHUSDT'],
    });
    expect(text).toBe(
      'event: price\ndata: {"symbol":"BTCUSDT","price":"37000.10000000","tradeId":12,"tradeTime":1700000000000}\n\n' +
        'event: removed\ndata: {"symbol":"ETHUSDT"}\n\n',
    );
  });

  it('keeps a reason with a line break inside its one data line', () => {
    expect(formatEndEvent('stopping\nnow')).toBe('event: end\ndata: {"reason":"stopping\\nnow"}\n\n');
  });
});
