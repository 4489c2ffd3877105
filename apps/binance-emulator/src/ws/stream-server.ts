import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { type ControlRequest, formatError, formatResult, parseControlRequest, parseStreamUrl } from '@binance-rates/domain';
import type { SymbolMarket } from '../market/symbol-market';
import type { StoredAggTrade } from '../market/trade-history';
import { ClientSession, ClientSessionInfo } from './client-session';
import { ConnectionPolicy, GOING_AWAY } from './connection-policy';
import { serverShutdownJson } from './event-serializer';
import { StreamFanout } from './stream-fanout';
import { parseStreamName } from './stream-name';

/** What Binance answers an upgrade whose `timeUnit` it does not know; the connection is refused. */
const INVALID_TIME_UNIT_RESPONSE =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"code":-1100,"msg":"Invalid timeUnit."}';

export interface StreamServerOptions {
  pingIntervalMs: number;
  pongTimeoutMs: number;
  connectionLifetimeMs: number;
  maxIncomingPerSecond: number;
  maxStreamsPerConnection: number;
  /** A client whose unsent backlog exceeds this is cut off, as Binance drops slow consumers. */
  maxBufferedBytes: number;
}

export interface StreamServerStats {
  openConnections: number;
  frozenConnections: number;
  connectionsAccepted: number;
  controlMessageViolations: number;
  slowConsumerDisconnects: number;
  pongTimeouts: number;
  lifetimeCloses: number;
  messagesSent: number;
}

/**
 * The `/ws` and `/stream` endpoints: turns upgrades into sessions, answers each session's control requests and acts
 * on all sessions at once (faults, shutdown). Connection rules live in ConnectionPolicy, delivery in StreamFanout.
 */
export class StreamServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    autoPong: false,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: 1024 * 1024,
  });
  private readonly connections = new Map<string, ClientSession>();
  private readonly policy: ConnectionPolicy;
  private readonly fanout: StreamFanout;
  private connectionsAccepted = 0;
  private nextConnectionId = 1;

  constructor(private readonly options: StreamServerOptions) {
    this.policy = new ConnectionPolicy(options);
    this.fanout = new StreamFanout(options.maxBufferedBytes);
  }

  /** Returns false when the path is not a stream endpoint, so the HTTP layer can answer instead. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = parseStreamUrl(request.url);
    if (url === null) {
      return false;
    }
    if (url.timeUnit === 'unknown') {
      socket.end(INVALID_TIME_UNIT_RESPONSE);
      return true;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new ClientSession({
        id: `c${this.nextConnectionId++}`,
        ws,
        socket,
        path: request.url ?? url.path,
        combined: url.combined,
        microseconds: url.timeUnit === 'microsecond',
        maxIncomingPerSecond: this.options.maxIncomingPerSecond,
      });
      // URL streams are subscribed like SUBSCRIBE would, except that malformed names are ignored: Binance
      // accepts the connection anyway (ccxt relies on this with its `/ws/0` URLs).
      const streams = url.streams.filter((name) => parseStreamName(name) !== null);
      this.fanout.subscribe(connection, streams.slice(0, this.options.maxStreamsPerConnection));
      this.accept(connection);
    });
    return true;
  }

  /** Fan-out of one aggregate trade to `@aggTrade` subscribers and its fills to `@trade` subscribers. */
  publishTrade(market: SymbolMarket, trade: StoredAggTrade, eventTime: number): void {
    this.fanout.publishTrade(market, trade, eventTime);
  }

  /** Releases the sockets corked during a batch, so each batch leaves as one write per connection. */
  flush(): void {
    this.fanout.flush();
  }

  connectionInfos(): ClientSessionInfo[] {
    return [...this.connections.values()].map((connection) => connection.info());
  }

  statistics(): StreamServerStats {
    let frozen = 0;
    for (const connection of this.connections.values()) {
      frozen += connection.frozen ? 1 : 0;
    }
    return {
      openConnections: this.connections.size,
      frozenConnections: frozen,
      connectionsAccepted: this.connectionsAccepted,
      controlMessageViolations: this.policy.controlMessageViolations,
      slowConsumerDisconnects: this.fanout.slowConsumerDisconnects,
      pongTimeouts: this.policy.pongTimeouts,
      lifetimeCloses: this.policy.lifetimeCloses,
      messagesSent: this.fanout.messagesSent,
    };
  }

  get controlMessageViolations(): number {
    return this.policy.controlMessageViolations;
  }

  dropAll(): void {
    for (const connection of this.connections.values()) {
      connection.terminate();
    }
  }

  freezeAll(): void {
    for (const connection of this.connections.values()) {
      connection.freeze();
    }
  }

  /** `serverShutdown` in each connection's own form, then a close once the grace period is over. */
  announceShutdown(graceMs: number): void {
    const now = Date.now();
    for (const connection of this.connections.values()) {
      if (connection.frozen || !connection.isOpen) {
        continue;
      }
      connection.sendText(serverShutdownJson(now, connection.combined, connection.timeScale));
      setTimeout(() => connection.close(GOING_AWAY, 'Server shutdown'), graceMs).unref();
    }
  }

  /** Applies to open connections too: each is closed `ms` after it was opened (at once if that has passed). */
  setConnectionLifetime(ms: number): void {
    this.policy.setConnectionLifetime(ms, this.connections.values());
  }

  close(): Promise<void> {
    this.dropAll();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private accept(connection: ClientSession): void {
    const { ws } = connection;
    this.connections.set(connection.id, connection);
    this.connectionsAccepted++;
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (this.policy.admitFrame(connection)) {
        connection.controlMessages++;
        this.handleControl(connection, isBinary ? '' : rawDataToString(data));
      }
    });
    ws.on('ping', (data: Buffer) => {
      if (this.policy.admitFrame(connection)) {
        connection.pingsReceived++;
        ws.pong(data);
      }
    });
    ws.on('pong', (data: Buffer) => {
      if (this.policy.admitFrame(connection)) {
        connection.pongsReceived++;
        this.policy.handlePong(connection, data.toString());
      }
    });
    ws.on('error', () => connection.terminate());
    ws.on('close', () => this.forget(connection));
    this.policy.start(connection);
  }

  private handleControl(connection: ClientSession, text: string): void {
    const parsed = parseControlRequest(text);
    if (!parsed.ok) {
      connection.sendText(formatError(parsed.error));
      return;
    }
    connection.sendText(this.execute(connection, parsed.request));
  }

  private execute(connection: ClientSession, request: ControlRequest): string {
    switch (request.method) {
      case 'SUBSCRIBE': {
        const added = request.streams.filter((stream) => !connection.streams.has(stream));
        if (connection.streams.size + new Set(added).size > this.options.maxStreamsPerConnection) {
          return formatError({ id: request.id, code: 4, msg: 'Too many subscriptions' });
        }
        this.fanout.subscribe(connection, added);
        return formatResult(request.id, null);
      }
      case 'UNSUBSCRIBE':
        this.fanout.unsubscribe(connection, request.streams);
        return formatResult(request.id, null);
      case 'LIST_SUBSCRIPTIONS':
        return formatResult(request.id, [...connection.streams]);
      case 'SET_PROPERTY':
        connection.combined = request.combined;
        return formatResult(request.id, null);
      case 'GET_PROPERTY':
        return formatResult(request.id, connection.combined);
    }
  }

  private forget(connection: ClientSession): void {
    connection.clearTimers();
    this.connections.delete(connection.id);
    this.fanout.forget(connection);
  }
}

function rawDataToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) {
    return Buffer.concat(data).toString('utf8');
  }
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
