import { AddressInfo, Server, Socket, createConnection, createServer } from 'node:net';
import { TcpProxy } from './tcp-proxy';
import { sleep } from './wait-for';

describe('TcpProxy', () => {
  let echo: Server;
  let proxy: TcpProxy;
  const clients: Socket[] = [];

  beforeEach(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = new TcpProxy('127.0.0.1', (echo.address() as AddressInfo).port);
    await proxy.start();
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await proxy.stop();
    await new Promise((resolve) => echo.close(resolve));
  });

  async function connect(): Promise<{ socket: Socket; received: () => string }> {
    const socket = createConnection({ host: '127.0.0.1', port: proxy.port });
    clients.push(socket);
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    await new Promise((resolve) => socket.once('connect', resolve));
    return { socket, received: () => data };
  }

  const settle = (ms = 150) => sleep(ms);

  it('passes bytes both ways, holds them while frozen (old and new connections) and delivers them after a thaw', async () => {
    const early = await connect();
    early.socket.write('a');
    await settle();
    expect(early.received()).toBe('a');

    proxy.freeze();
    early.socket.write('b');
    const late = await connect();
    late.socket.write('c');
    await settle();
    expect(early.received()).toBe('a');
    expect(late.received()).toBe('');
    expect(early.socket.destroyed).toBe(false);

    proxy.thaw();
    proxy.thaw();
    await settle();
    expect(early.received()).toBe('ab');
    expect(late.received()).toBe('c');
    early.socket.write('d');
    await settle();
    expect(early.received()).toBe('abd');
  });

  it('silence stops the connections open now for good, without closing them, while new ones pass', async () => {
    const silenced = await connect();
    silenced.socket.write('a');
    await settle();
    let closed = false;
    silenced.socket.once('close', () => (closed = true));

    expect(proxy.silence()).toBe(1);
    silenced.socket.write('b');
    const fresh = await connect();
    fresh.socket.write('c');
    await settle();
    expect(silenced.received()).toBe('a');
    expect(fresh.received()).toBe('c');

    // A freeze and thaw of the others brings nothing back to life.
    proxy.freeze();
    proxy.thaw();
    silenced.socket.write('d');
    fresh.socket.write('e');
    await settle();
    expect(silenced.received()).toBe('a');
    expect(fresh.received()).toBe('ce');
    expect(closed).toBe(false);
    expect(silenced.socket.destroyed).toBe(false);
  });

  it('cut closes every connection and refuses new ones until restored', async () => {
    const before = await connect();
    const closed = new Promise((resolve) => before.socket.once('close', resolve));
    await proxy.cut();
    await closed;
    const refused = createConnection({ host: '127.0.0.1', port: proxy.port });
    await expect(new Promise((resolve, reject) => refused.once('connect', resolve).once('error', reject))).rejects.toThrow(/ECONNREFUSED/);
    await proxy.restore();
    const after = await connect();
    after.socket.write('x');
    await settle();
    expect(after.received()).toBe('x');
  });
});
