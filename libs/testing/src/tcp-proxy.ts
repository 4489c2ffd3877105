import { AddressInfo, Server, Socket, createConnection, createServer } from 'node:net';

interface ProxiedConnection {
  client: Socket;
  upstream: Socket;
  /** Passes nothing ever again (silence()), even after a thaw. */
  silenced: boolean;
}

/**
 * A loopback TCP proxy that can be cut and restored, to make PostgreSQL or Redis unreachable for a service without
 * stopping the shared server: cut() drops every connection and refuses new ones, restore() accepts again on the
 * same port. freeze() is a partition instead: connections stay open but nothing passes either way (new ones are
 * accepted and stall too) until thaw(). silence() is a connection-tracking loss (a NAT or firewall dropping its
 * state, a managed database failing over): the connections open now go silent for good, with no FIN or reset, while
 * new ones pass normally.
 */
/** The port a URL of these schemes means when it names none. */
const DEFAULT_PORTS: Record<string, number> = { 'postgresql:': 5432, 'postgres:': 5432, 'redis:': 6379 };

export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly connections = new Set<ProxiedConnection>();
  private frozen = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /**
   * A started proxy in front of the server a URL names (PostgreSQL or Redis), and the same URL pointed at the proxy,
   * for a client the test can then cut, freeze or silence.
   */
  static async inFrontOf(target: string): Promise<{ proxy: TcpProxy; url: string }> {
    const url = new URL(target);
    const proxy = new TcpProxy(url.hostname, Number(url.port || DEFAULT_PORTS[url.protocol]));
    await proxy.start();
    url.host = `127.0.0.1:${proxy.port}`;
    return { proxy, url: url.toString() };
  }

  async start(port = 0): Promise<number> {
    this.server = createServer((client) => {
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      const connection: ProxiedConnection = { client, upstream, silenced: false };
      this.connections.add(connection);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.on('close', () => {
        this.connections.delete(connection);
        upstream.destroy();
      });
      upstream.on('close', () => client.destroy());
      if (this.frozen) {
        client.pause();
        upstream.pause();
      } else {
        client.pipe(upstream).pipe(client);
      }
    });
    await new Promise<void>((resolve) => (this.server as Server).listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  freeze(): void {
    this.frozen = true;
    for (const connection of this.connections) {
      hold(connection);
    }
  }

  thaw(): void {
    if (!this.frozen) {
      return;
    }
    this.frozen = false;
    for (const { client, upstream, silenced } of this.connections) {
      if (!silenced) {
        client.pipe(upstream).pipe(client);
      }
    }
  }

  /**
   * Every connection open now stops passing bytes either way, for good, and stays open (no FIN, no reset); new
   * connections pass normally. Returns how many went silent.
   */
  silence(): number {
    for (const connection of this.connections) {
      connection.silenced = true;
      hold(connection);
    }
    return this.connections.size;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.frozen = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.connections.clear();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  async restore(): Promise<void> {
    await this.start(this.port);
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}

/** Stops forwarding both ways; the sockets stay open and unread, so the peers see nothing at all. */
function hold({ client, upstream }: ProxiedConnection): void {
  client.unpipe(upstream);
  upstream.unpipe(client);
  client.pause();
  upstream.pause();
}
