import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { SymbolMarket } from '../market/symbol-market';
import type { StoredAggTrade } from '../market/trade-history';
import { ControlRequest, formatError, formatResult, parseControlRequest } from './control-request';
import { aggTradeEventJson, combinedEventJson, serverShutdownJson, tradeEventJson } from './event-serializer';
import { ClientSession, ClientSessionInfo } from './client-session';
import { parseStreamName } from './stream-name';

/** Binance closes with 1008 "Too many requests": observed, not documented (binance/binance-connector-go#90). */
const POLICY_VIOLATION = 1008;
const GOING_AWAY = 1001;
const TIME_UNITS: Record<string, boolean> = { MILLISECOND: false, millisecond: false, MICROSECOND: true, microsecond: true };

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

/** The `/ws` and `/stream` endpoints: upgrades, the control protocol, keep-alive, and fan-out of events. */
export class StreamServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    autoPong: false,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: 1024 * 1024,
  });
  private readonly connections = new Map<string, ClientSession>();
  private readonly subscribers = new Map<string, Set<ClientSession>>();
  private readonly corked: ClientSession[] = [];
  /** Per-event cache of the four wire forms (see ClientSession.form), reset for every event. */
  private readonly forms: Array<Buffer | undefined> = [undefined, undefined, undefined, undefined];
  private readonly stats = {
    connectionsAccepted: 0,
    controlMessageViolations: 0,
    slowConsumerDisconnects: 0,
    pongTimeouts: 0,
    lifetimeCloses: 0,
    messagesSent: 0,
  };
  private nextConnectionId = 1;
  private pingSequence = 0;

  constructor(private readonly options: StreamServerOptions) {}

  /** Returns false when the path is not a stream endpoint, so the HTTP layer can answer instead. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const path = decodeURIComponent(url.pathname);
    let combined: boolean;
    let streams: string[];
    if (path === '/ws' || path === '/ws/') {
      combined = false;
      streams = [];
    } else if (path.startsWith('/ws/')) {
      combined = false;
      streams = path.slice(4).split('/');
    } else if (path === '/stream' || path === '/stream/') {
      combined = true;
      streams = (url.searchParams.get('streams') ?? '').split('/');
    } else {
      return false;
    }
    const timeUnit = url.searchParams.get('timeUnit');
    if (timeUnit !== null && !(timeUnit in TIME_UNITS)) {
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"code":-1100,"msg":"Invalid timeUnit."}');
      return true;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new ClientSession({
        id: `c${this.nextConnectionId++}`,
        ws,
        socket,
        path: request.url ?? path,
        combined,
        microseconds: timeUnit !== null && TIME_UNITS[timeUnit],
        maxIncomingPerSecond: this.options.maxIncomingPerSecond,
      });
      // URL streams are subscribed like SUBSCRIBE would, except that malformed names are ignored: Binance
      // accepts the connection anyway (ccxt relies on this with its `/ws/0` URLs).
      this.subscribe(connection, streams.filter((name) => parseStreamName(name) !== null).slice(0, this.options.maxStreamsPerConnection));
      this.accept(connection);
    });
    return true;
  }

  /** Fan-out of one aggregate trade to `@aggTrade` subscribers and its fills to `@trade` subscribers. */
  publishTrade(market: SymbolMarket, trade: StoredAggTrade, eventTime: number): void {
    const aggSubscribers = this.subscribers.get(market.aggTradeStream);
    if (aggSubscribers !== undefined) {
      market.sentCount += this.deliver(aggSubscribers, market.aggTradeStream, (scale) =>
        aggTradeEventJson(market, trade, eventTime, scale),
      );
    }
    const tradeSubscribers = this.subscribers.get(market.tradeStream);
    if (tradeSubscribers !== undefined) {
      for (let fill = 0; fill < trade.tradeCount; fill++) {
        market.sentCount += this.deliver(tradeSubscribers, market.tradeStream, (scale) =>
          tradeEventJson(market, trade, fill, eventTime, scale),
        );
      }
    }
  }

  /** Releases the sockets corked during a batch, so each batch leaves as one write per connection. */
  flush(): void {
    for (const connection of this.corked) {
      connection.uncork();
    }
    this.corked.length = 0;
  }

  connectionInfos(): ClientSessionInfo[] {
    return [...this.connections.values()].map((connection) => connection.info());
  }

  statistics(): StreamServerStats {
    let frozen = 0;
    for (const connection of this.connections.values()) {
      frozen += connection.frozen ? 1 : 0;
    }
    return { openConnections: this.connections.size, frozenConnections: frozen, ...this.stats };
  }

  get controlMessageViolations(): number {
    return this.stats.controlMessageViolations;
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
    this.options.connectionLifetimeMs = ms;
    for (const connection of this.connections.values()) {
      if (!connection.frozen) {
        this.armLifetime(connection);
      }
    }
  }

  close(): Promise<void> {
    this.dropAll();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private deliver(subscribers: Set<ClientSession>, stream: string, build: (timeScale: number) => string): number {
    const forms = this.forms;
    forms[0] = forms[1] = forms[2] = forms[3] = undefined;
    let sent = 0;
    for (const connection of subscribers) {
      if (connection.frozen || !connection.isOpen) {
        continue;
      }
      if (connection.bufferedAmount > this.options.maxBufferedBytes) {
        this.stats.slowConsumerDisconnects++;
        connection.terminate();
        continue;
      }
      let payload = forms[connection.form];
      if (payload === undefined) {
        const raw = build(connection.timeScale);
        payload = Buffer.from(connection.combined ? combinedEventJson(stream, raw) : raw);
        forms[connection.form] = payload;
      }
      if (!connection.corked) {
        this.corked.push(connection);
      }
      connection.sendData(payload);
      sent++;
    }
    this.stats.messagesSent += sent;
    return sent;
  }

  private accept(connection: ClientSession): void {
    const { ws } = connection;
    this.connections.set(connection.id, connection);
    this.stats.connectionsAccepted++;
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (this.admitFrame(connection)) {
        connection.controlMessages++;
        this.handleControl(connection, isBinary ? '' : rawDataToString(data));
      }
    });
    ws.on('ping', (data: Buffer) => {
      if (this.admitFrame(connection)) {
        connection.pingsReceived++;
        ws.pong(data);
      }
    });
    ws.on('pong', (data: Buffer) => {
      if (this.admitFrame(connection)) {
        connection.pongsReceived++;
        this.handlePong(connection, data.toString());
      }
    });
    ws.on('error', () => connection.terminate());
    ws.on('close', () => this.forget(connection));
    connection.pingTimer = setInterval(() => this.sendPing(connection), this.options.pingIntervalMs);
    this.armLifetime(connection);
  }

  /** Every client frame counts toward the limit; a frozen connection ignores them all. */
  private admitFrame(connection: ClientSession): boolean {
    if (connection.frozen || !connection.isOpen) {
      return false;
    }
    connection.framesReceived++;
    if (!connection.limiter.record(Date.now())) {
      this.stats.controlMessageViolations++;
      connection.close(POLICY_VIOLATION, 'Too many requests');
      return false;
    }
    return true;
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
        this.subscribe(connection, added);
        return formatResult(request.id, null);
      }
      case 'UNSUBSCRIBE':
        for (const stream of request.streams) {
          connection.streams.delete(stream);
          this.subscribers.get(stream)?.delete(connection);
        }
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

  private subscribe(connection: ClientSession, streams: string[]): void {
    for (const stream of streams) {
      connection.streams.add(stream);
      let set = this.subscribers.get(stream);
      if (set === undefined) {
        set = new Set();
        this.subscribers.set(stream, set);
      }
      set.add(connection);
    }
  }

  private forget(connection: ClientSession): void {
    connection.clearTimers();
    this.connections.delete(connection.id);
    for (const stream of connection.streams) {
      const set = this.subscribers.get(stream);
      set?.delete(connection);
      if (set?.size === 0) {
        this.subscribers.delete(stream);
      }
    }
  }

  private sendPing(connection: ClientSession): void {
    if (connection.frozen || !connection.isOpen) {
      return;
    }
    const payload = String(++this.pingSequence);
    connection.outstandingPings.push(payload);
    if (connection.outstandingPings.length > 16) {
      connection.outstandingPings.shift();
    }
    connection.ws.ping(payload);
    if (connection.pongDeadline === undefined) {
      connection.pongDeadline = setTimeout(() => {
        this.stats.pongTimeouts++;
        connection.close(POLICY_VIOLATION, 'Pong timeout');
      }, this.options.pongTimeoutMs);
    }
  }

  /** Only a pong echoing one of our pings keeps the connection alive; unsolicited pongs are merely counted. */
  private handlePong(connection: ClientSession, payload: string): void {
    if (connection.outstandingPings.includes(payload)) {
      connection.outstandingPings.length = 0;
      clearTimeout(connection.pongDeadline);
      connection.pongDeadline = undefined;
    }
  }

  private armLifetime(connection: ClientSession): void {
    clearTimeout(connection.lifetimeTimer);
    const remaining = Math.max(0, connection.openedAt + this.options.connectionLifetimeMs - Date.now());
    connection.lifetimeTimer = setTimeout(() => {
      this.stats.lifetimeCloses++;
      connection.close(GOING_AWAY, 'Connection lifetime expired');
    }, Math.min(remaining, 2 ** 31 - 1));
  }
}

function rawDataToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) {
    return Buffer.concat(data).toString('utf8');
  }
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
