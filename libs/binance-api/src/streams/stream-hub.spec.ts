import { POLICY_VIOLATION } from './stream-client';
import { StreamHub } from './stream-hub';
import { streamClientServer } from './stream-socket.fixtures';

const MAX_BUFFERED = 256 * 1024;
const EVENT = `{"e":"aggTrade","pad":"${'x'.repeat(16 * 1024)}"}`;

describe('the stream hub fans events out and cuts a client that falls too far behind (real loopback WebSockets)', () => {
  let server: Awaited<ReturnType<typeof streamClientServer>>;

  beforeEach(async () => {
    server = await streamClientServer(MAX_BUFFERED);
  });
  afterEach(() => server.close());

  it('tells the sources when a stream gains its first follower and loses its last', async () => {
    const demand: string[] = [];
    const hub = new StreamHub({ active: (stream) => demand.push(`+${stream}`), idle: (stream) => demand.push(`-${stream}`) });
    const [a, b] = [await server.connect(), await server.connect()];
    hub.follow(a.client, ['btcusdt@aggTrade']);
    hub.follow(b.client, ['btcusdt@aggTrade', 'ethbtc@aggTrade']);
    hub.unfollow(a.client, ['btcusdt@aggTrade']);
    hub.forget(b.client);
    expect(demand).toEqual(['+btcusdt@aggTrade', '+ethbtc@aggTrade', '-btcusdt@aggTrade', '-ethbtc@aggTrade']);
  });

  it('closes a client that stopped reading with 1008 "Too slow", while one that reads gets every event', async () => {
    const hub = new StreamHub({ active: () => undefined, idle: () => undefined });
    const reader = await server.connect();
    const stalled = await server.connect();
    // The stalled peer stops reading: the kernel's buffers fill, then the server's queue for it grows.
    (stalled.peer as unknown as { _socket: { pause(): void } })._socket.pause();
    let received = 0;
    reader.peer.on('message', () => (received += 1));
    hub.follow(reader.client, ['btcusdt@aggTrade']);
    hub.follow(stalled.client, ['btcusdt@aggTrade']);
    let published = 0;
    while (stalled.client.open && published < 20_000) {
      hub.publish('btcusdt@aggTrade', EVENT);
      hub.endBatch();
      published += 1;
      // Let the sockets write, as the event loop does between batches of trades.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(stalled.client.open).toBe(false);
    expect(hub.slowClientsCut).toBe(1);
    expect(reader.client.open).toBe(true);
    (stalled.peer as unknown as { _socket: { resume(): void } })._socket.resume();
    await expect(stalled.closed).resolves.toEqual({ code: POLICY_VIOLATION, reason: `Too slow: more than ${MAX_BUFFERED} bytes of events unsent` });
    await new Promise<void>((resolve) => {
      const check = () => (received >= published ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(received).toBe(published);
  });

  it('sends the combined wrapper to combined clients and the raw event to the others, each batch in one write', async () => {
    const hub = new StreamHub({ active: () => undefined, idle: () => undefined });
    const raw = await server.connect();
    const combined = await server.connect();
    combined.client.combined = true;
    const frames = (pair: typeof raw) => new Promise<string[]>((resolve) => {
      const seen: string[] = [];
      pair.peer.on('message', (data) => seen.push(data.toString()) === 2 && resolve(seen));
    });
    const [rawFrames, combinedFrames] = [frames(raw), frames(combined)];
    hub.follow(raw.client, ['btcusdt@aggTrade']);
    hub.follow(combined.client, ['btcusdt@aggTrade']);
    hub.publish('btcusdt@aggTrade', '{"a":1}');
    hub.publish('btcusdt@aggTrade', '{"a":2}');
    hub.endBatch();
    expect(await rawFrames).toEqual(['{"a":1}', '{"a":2}']);
    expect(await combinedFrames).toEqual(['{"stream":"btcusdt@aggTrade","data":{"a":1}}', '{"stream":"btcusdt@aggTrade","data":{"a":2}}']);
    expect(hub.eventsDelivered).toBe(4);
  });
});
