import { AddressInfo, Server, Socket, createConnection, createServer } from 'node:net';

interface ProxiedConnection {
  client: Socket;
  upstream: Socket;
}

/**
 * A loopback TCP proxy that can be cut and restored, to make PostgreSQL or Redis unreachable for a service without
 * stopping the shared server: cut() drops every connection and refuses new ones, restore() accepts again on the
 * same port. freeze() is a partition instead: connections stay open but nothing passes either way (new ones are
 * accepted and stall too) until thaw().
 */
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

  async start(port = 0): Promise<number> {
    this.server = createServer((client) => {
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      const connection = { client, upstream };
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
    for (const { client, upstream } of this.connections) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  thaw(): void {
    if (!this.frozen) {
      return;
    }
    this.frozen = false;
    for (const { client, upstream } of this.connections) {
      client.pipe(upstream).pipe(client);
    }
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
