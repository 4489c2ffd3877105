import { POLICY_VIOLATION } from './stream-client';
import { streamClientServer } from './stream-socket.fixtures';

const PONG_TIMEOUT_MS = 60_000;
const T0 = 1_700_000_000_000;

describe('a stream client kept alive by pings (real loopback WebSocket)', () => {
  let server: Awaited<ReturnType<typeof streamClientServer>>;

  beforeEach(async () => {
    server = await streamClientServer(1 << 20);
  });
  afterEach(() => server.close());

  it('is closed with 1008 "Pong timeout" when the first unanswered ping is a pong timeout old', async () => {
    const { client, peer, closed } = await server.connect({ autoPong: false });
    const pings: number[] = [];
    peer.on('ping', () => pings.push(Date.now()));
    client.keepAlive(T0, PONG_TIMEOUT_MS);
    client.keepAlive(T0 + PONG_TIMEOUT_MS - 1, PONG_TIMEOUT_MS);
    expect(client.open).toBe(true);
    client.keepAlive(T0 + PONG_TIMEOUT_MS, PONG_TIMEOUT_MS);
    expect(client.open).toBe(false);
    await expect(closed).resolves.toEqual({ code: POLICY_VIOLATION, reason: 'Pong timeout' });
    expect(pings).toHaveLength(2);
  });

  it('stays open while its pongs come back, however long it lives', async () => {
    const { client } = await server.connect();
    client.ws.on('pong', () => client.pongReceived());
    for (let round = 0; round < 4; round += 1) {
      const pong = new Promise((resolve) => client.ws.once('pong', resolve));
      client.keepAlive(T0 + round * PONG_TIMEOUT_MS, PONG_TIMEOUT_MS);
      await pong;
    }
    expect(client.open).toBe(true);
  });
});
