import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { RECONNECT_AFTER_MS, ServerSentPriceStream, formatEndEvent, formatPriceEvents } from './price-stream';

describe('Server-Sent Events text', () => {
  it('writes one price event per symbol, then one removed event per symbol, each ended by a blank line', () => {
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

  it('opens by telling the client to reconnect after a second, not its browser default of 3-5 s, when the stream ends', async () => {
    const server = createServer((_request, response) => {
      const stream = new ServerSentPriceStream(response, () => undefined);
      stream.end('stopping');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const text = await response.text();
      expect(text.split('\n\n')[0]).toBe(`retry: ${RECONNECT_AFTER_MS}`);
      expect(RECONNECT_AFTER_MS).toBe(1_000);
      expect(text.endsWith(formatEndEvent('stopping'))).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('ends the stream of a client that stopped reading once 1 MiB waits for it, and says it is gone once', async () => {
    let gone = 0;
    let stream: ServerSentPriceStream | undefined;
    const server = createServer((_request, response) => {
      stream = new ServerSentPriceStream(response, () => (gone += 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    try {
      client.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n');
      client.pause();
      while (stream === undefined) await nextTurn();
      const push = {
        prices: Array.from({ length: 1_000 }, (_, index) => ({ symbol: 'BTCUSDT', price: '1'.repeat(40), tradeId: index, tradeTime: 0 })),
        removed: [],
      };
      let sends = 0;
      while (gone === 0 && sends < 2_000) {
        stream.send(push);
        sends += 1;
        await nextTurn();
      }
      expect(gone).toBe(1);
      stream.end('stopping');
      expect(gone).toBe(1);
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
