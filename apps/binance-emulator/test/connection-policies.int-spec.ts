import { sleep, waitFor } from '@binance-rates/testing';
import { BinanceEmulator, MarketSymbolSpec, startEmulator } from '../src';
import { WsTestClient } from './ws-test-client';

const SYMBOLS: MarketSymbolSpec[] = [
  { symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', startPrice: '37000.00', tradesPerSecond: 100 },
];

describe('connection policies and faults (web-socket-streams.md: WebSocket limits, ping/pong, server shutdown)', () => {
  let emulator: BinanceEmulator;
  const clients: WsTestClient[] = [];
  const connect = async (path: string, options?: { autoPong?: boolean }) => {
    const client = await WsTestClient.connect(`${emulator.wsBaseUrl}${path}`, options);
    clients.push(client);
    return client;
  };

  // Pongs count toward the 5 frames/s limit too, so pings must stay well under 5 per second.
  const fastPings = { pingIntervalMs: 300, pongTimeoutMs: 400 };
  const start = async (options = {}) => {
    emulator = await startEmulator({ symbols: SYMBOLS, ...options });
  };

  beforeEach(() => start());
  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await emulator.close();
  });

  it('pings every pingIntervalMs and keeps a ponging client open', async () => {
    await emulator.close();
    await start(fastPings);
    const client = await connect('/ws');
    await waitFor(() => client.pingsReceived >= 4, { what: 'four pings' });
    expect(client.closeInfo).toBeUndefined();
    expect(emulator.stats().pongTimeouts).toBe(0);
  });

  it('closes a client that does not answer pings within pongTimeoutMs', async () => {
    await emulator.close();
    await start(fastPings);
    const client = await connect('/ws', { autoPong: false });
    const started = Date.now();
    const close = await client.waitForClose();
    expect(close.code).toBe(1008);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(emulator.stats().pongTimeouts).toBe(1);
  });

  it('answers client pings with pongs and counts them as incoming frames', async () => {
    const client = await connect('/ws');
    let pongs = 0;
    client.ws.on('pong', () => pongs++);
    client.ws.ping('hi');
    await waitFor(() => pongs === 1, { what: 'pong' });
    await waitFor(() => emulator.connections()[0]?.pingsReceived === 1, { what: 'ping counted' });
  });

  it('closes with 1008 "Too many requests" above 5 frames per second and counts the violation', async () => {
    const client = await connect('/ws');
    for (let id = 1; id <= 6; id++) {
      client.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id }));
    }
    expect(await client.waitForClose()).toEqual({ code: 1008, reason: 'Too many requests' });
    expect(emulator.controlMessageViolations()).toBe(1);
  });

  it('allows 5 frames per second indefinitely', async () => {
    const client = await connect('/ws');
    for (let id = 1; id <= 10; id++) {
      client.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id }));
      await sleep(210);
    }
    await waitFor(() => client.messages.length === 10, { what: 'ten answers' });
    expect(emulator.controlMessageViolations()).toBe(0);
    expect(emulator.connections()[0].controlMessages).toBe(10);
  });

  it('closes connections when their lifetime is over', async () => {
    const client = await connect('/ws');
    emulator.setConnectionLifetime(100);
    expect((await client.waitForClose()).code).toBe(1001);
    expect(emulator.stats().lifetimeCloses).toBe(1);
  });

  it('sends serverShutdown in raw and combined form, then closes after the grace period', async () => {
    const raw = await connect('/ws');
    const combined = await connect('/stream');
    emulator.sendServerShutdown(100);
    await waitFor(() => raw.messages.length > 0 && combined.messages.length > 0, { what: 'shutdown events' });
    expect(raw.parsed[0]).toEqual({ e: 'serverShutdown', E: expect.any(Number) });
    expect(combined.parsed[0]).toEqual({ stream: '!serverShutdown', data: { e: 'serverShutdown', E: expect.any(Number) } });
    expect(raw.closeInfo).toBeUndefined();
    expect((await raw.waitForClose()).code).toBe(1001);
    expect((await combined.waitForClose()).code).toBe(1001);
  });

  it('freezes: no data, no pings, no pongs and no answers, while new connections still work', async () => {
    await emulator.close();
    await start(fastPings);
    const frozen = await connect('/ws/btcusdt@aggTrade');
    await frozen.waitForEvents(1);
    emulator.freezeConnections();
    // Frames the emulator wrote just before the freeze may still be in flight.
    await sleep(100);
    const framesAtFreeze = frozen.messages.length;
    const pingsAtFreeze = frozen.pingsReceived;
    let pongs = 0;
    frozen.ws.on('pong', () => pongs++);
    frozen.ws.ping();
    frozen.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 1 }));
    await sleep(700);
    expect(frozen.messages.length).toBe(framesAtFreeze);
    expect(frozen.pingsReceived).toBe(pingsAtFreeze);
    expect(pongs).toBe(0);
    expect(frozen.closeInfo).toBeUndefined();
    const fresh = await connect('/ws/btcusdt@aggTrade');
    await fresh.waitForEvents(1);
    expect(emulator.stats().frozenConnections).toBe(1);
  });

  it('drops connections abruptly without a close frame', async () => {
    const client = await connect('/ws');
    emulator.dropAllConnections();
    expect((await client.waitForClose()).code).toBe(1006);
  });

  it('rejects unknown upgrade paths', async () => {
    await expect(WsTestClient.connect(`${emulator.wsBaseUrl}/nope`)).rejects.toThrow(/404/);
  });
});
