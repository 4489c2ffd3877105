import { sleep, waitFor } from '@binance-rates/testing';
import { BinanceEmulator, MarketSymbolSpec, startEmulator } from '../src';
import { WsTestClient } from './ws-test-client';

const SYMBOLS: MarketSymbolSpec[] = [
  { symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', startPrice: '37000.00', tradesPerSecond: 0 },
  { symbol: 'ETHUSDT', status: 'TRADING', baseAsset: 'ETH', quoteAsset: 'USDT', startPrice: '2000.00', tradesPerSecond: 0 },
  { symbol: 'HALTUSDT', status: 'HALT', baseAsset: 'HALT', quoteAsset: 'USDT', startPrice: '1.00' },
];

describe('stream protocol (web-socket-streams.md: URL forms, live subscribing, payloads)', () => {
  let emulator: BinanceEmulator;
  const clients: WsTestClient[] = [];
  const connect = async (path: string) => {
    const client = await WsTestClient.connect(`${emulator.wsBaseUrl}${path}`);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ symbols: SYMBOLS, maxStreamsPerConnection: 4 });
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));
  afterAll(() => emulator.close());

  it('subscribes, lists and unsubscribes with the documented shapes', async () => {
    const client = await connect('/ws');
    expect(await client.request({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade', 'ethusdt@trade'], id: 1 })).toEqual({ result: null, id: 1 });
    expect(await client.request({ method: 'LIST_SUBSCRIPTIONS', id: 2 })).toEqual({ result: ['btcusdt@aggTrade', 'ethusdt@trade'], id: 2 });
    expect(await client.request({ method: 'UNSUBSCRIBE', params: ['ethusdt@trade'], id: 'x3' })).toEqual({ result: null, id: 'x3' });
    expect(await client.request({ method: 'LIST_SUBSCRIPTIONS', id: 4 })).toEqual({ result: ['btcusdt@aggTrade'], id: 4 });
    await waitFor(() => emulator.subscriptions().some((entry) => entry.streams.join() === 'btcusdt@aggTrade'), { what: 'introspection' });
  });

  it('answers errors in the observed nested form', async () => {
    const client = await connect('/ws');
    expect(await client.request({ method: 'SUBSCRIBE', params: ['btcusdt@bogus'], id: 5 })).toEqual({
      error: { code: 2, msg: 'Invalid request: invalid stream' },
      id: 5,
    });
    expect(await client.request({ method: 'GET_PROPERTY', params: ['nope'], id: 6 })).toEqual({ error: { code: 0, msg: 'Unknown property' }, id: 6 });
    client.ws.send('not json');
    await waitFor(() => client.messages.some((text) => text.includes('"code":3')), { what: 'invalid JSON error' });
  });

  it('refuses more than maxStreamsPerConnection with code 4', async () => {
    const client = await connect('/ws');
    const params = ['a', 'b', 'c', 'd', 'e'].map((symbol) => `${symbol}usdt@aggTrade`);
    expect(await client.request({ method: 'SUBSCRIBE', params, id: 7 })).toEqual({ error: { code: 4, msg: 'Too many subscriptions' }, id: 7 });
    expect(await client.request({ method: 'LIST_SUBSCRIPTIONS', id: 8 })).toEqual({ result: [], id: 8 });
  });

  it('sends raw aggTrade payloads on /ws/<stream> with sequential ids matching the history', async () => {
    const client = await connect('/ws/btcusdt@aggTrade');
    await waitFor(() => emulator.subscriptions().length > 0, { what: 'subscription' });
    const sent = emulator.emitTrades('BTCUSDT', 5);
    const events = await client.waitForEvents(5);
    expect(Object.keys(events[0])).toEqual(['e', 'E', 's', 'a', 'p', 'q', 'f', 'l', 'T', 'm', 'M']);
    expect(events.map((event) => event['a'])).toEqual(sent.map((trade) => trade.aggTradeId));
    for (let i = 1; i < events.length; i++) {
      expect(events[i]['a']).toBe((events[i - 1]['a'] as number) + 1);
      expect(events[i]['f']).toBe((events[i - 1]['l'] as number) + 1);
    }
    const first = events[0];
    expect(first).toMatchObject({ e: 'aggTrade', s: 'BTCUSDT', M: true });
    expect(first['p']).toMatch(/^\d+\.\d{8}$/);
    expect(emulator.tradeById('BTCUSDT', first['a'] as number)).toEqual({
      symbol: 'BTCUSDT',
      aggTradeId: first['a'],
      price: first['p'],
      quantity: first['q'],
      firstTradeId: first['f'],
      lastTradeId: first['l'],
      tradeTime: first['T'],
      isBuyerMaker: first['m'],
    });
  });

  it('wraps events on /stream and after SET_PROPERTY combined true', async () => {
    const combined = await connect('/stream?streams=ethusdt@aggTrade/ethusdt@trade');
    const raw = await connect('/ws');
    await raw.request({ method: 'SUBSCRIBE', params: ['ethusdt@aggTrade'], id: 1 });
    expect(await raw.request({ method: 'GET_PROPERTY', params: ['combined'], id: 2 })).toEqual({ result: false, id: 2 });
    await raw.request({ method: 'SET_PROPERTY', params: ['combined', true], id: 3 });
    expect(await combined.request({ method: 'GET_PROPERTY', params: ['combined'], id: 4 })).toEqual({ result: true, id: 4 });
    const [trade] = emulator.emitTrades('ETHUSDT', 1);
    const fills = trade.lastTradeId - trade.firstTradeId + 1;
    const combinedEvents = await combined.waitForEvents(1 + fills);
    const rawEvents = await raw.waitForEvents(1);
    expect(rawEvents[0]).toMatchObject({ stream: 'ethusdt@aggTrade', data: { e: 'aggTrade', a: trade.aggTradeId } });
    const tradeEvents = combinedEvents.filter((event) => event['stream'] === 'ethusdt@trade').map((event) => event['data'] as Record<string, unknown>);
    expect(tradeEvents.map((event) => event['t'])).toEqual(Array.from({ length: fills }, (_, i) => trade.firstTradeId + i));
    expect(Object.keys(tradeEvents[0])).toEqual(['e', 'E', 's', 't', 'p', 'q', 'T', 'm', 'M']);
    const total = tradeEvents.reduce((sum, event) => sum + Number(event['q']), 0);
    expect(total).toBeCloseTo(Number(trade.quantity), 8);
  });

  it('acks upper-case and unknown-symbol streams and keeps them silent', async () => {
    const client = await connect('/ws');
    expect(await client.request({ method: 'SUBSCRIBE', params: ['BTCUSDT@aggTrade', 'xrpxrp@aggTrade'], id: 9 })).toEqual({ result: null, id: 9 });
    emulator.emitTrades('BTCUSDT', 3);
    await sleep(100);
    expect(client.events()).toEqual([]);
  });

  it('serves microsecond times with timeUnit=MICROSECOND', async () => {
    const client = await connect('/ws/btcusdt@aggTrade?timeUnit=MICROSECOND');
    await waitFor(() => emulator.subscriptions().length > 0, { what: 'subscription' });
    const [trade] = emulator.emitTrades('BTCUSDT', 1);
    const [event] = await client.waitForEvents(1);
    expect(event['T']).toBe(trade.tradeTime * 1000);
  });

  it('keeps trading without subscribers, and HALT symbols never trade', async () => {
    emulator.setTradeRate('*', 200);
    const before = emulator.lastTradeId('ETHUSDT') ?? 0;
    await waitFor(() => (emulator.lastTradeId('ETHUSDT') ?? 0) >= before + 10, { what: 'unobserved trades' });
    emulator.setTradeRate('*', 0);
    expect(emulator.lastTradeId('HALTUSDT')).toBeUndefined();
  });
});
