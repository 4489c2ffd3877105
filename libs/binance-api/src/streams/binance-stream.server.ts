import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { type ControlRequest, formatError, formatResult, parseControlRequest, parseStreamUrl } from '@binance-rates/domain';
import { AppConfig } from '@binance-rates/config';
import { MarketDataService } from '../market/market-data.service';
import { LiveSources } from './live-sources';
import { GOING_AWAY, POLICY_VIOLATION, StreamClient } from './stream-client';
import { StreamHub } from './stream-hub';
import { parseStreamName } from './stream-name';

/** Binance's limits (web-socket-streams.md, "WebSocket Limits"): clients written for them behave the same here. */
const MAX_INCOMING_PER_SECOND = 5;
const MAX_STREAMS_PER_CONNECTION = 1024;
/** Largest client frame read: control requests are small; Binance's own cap is about 4 kB per request. */
const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

/**
 * `/ws` and `/stream` on the service's own port, in Binance's stream protocol (web-socket-streams.md): streams named
 * in the URL or by live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY, with Binance's
 * answers and error codes; a ping to every client each BINANCE_API_PING_INTERVAL_MS (closed with 1008 `Pong timeout`
 * when unanswered); more than 5 client frames in a second closes with 1008 `Too many requests`; a client too far
 * behind is cut (see StreamClient). A stream of an untracked symbol is acknowledged and silent, as Binance answers an
 * unknown one, unless BINANCE_API_AUTO_TRACK makes it tracked.
 */
@Injectable()
export class BinanceStreamServer implements OnModuleDestroy {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: MAX_CLIENT_FRAME_BYTES,
  });
  private readonly clients = new Set<StreamClient>();
  readonly hub: StreamHub;
  private readonly pingTimer: NodeJS.Timeout;
  private readonly options: AppConfig['binanceApi'];
  private stopping = false;
  connectionsAccepted = 0;
  connectionsRefused = 0;

  constructor(
    config: AppConfig,
    private readonly market: MarketDataService,
    sources: LiveSources,
  ) {
    this.options = config.binanceApi;
    this.hub = new StreamHub({
      active: (stream) => {
        const topic = parseStreamName(stream);
        if (topic !== null) sources.active(topic);
      },
      idle: (stream) => {
        const topic = parseStreamName(stream);
        if (topic !== null) sources.idle(topic);
      },
    });
    sources.attach(this.hub);
    this.pingTimer = setInterval(() => this.pingAll(), this.options.pingIntervalMs);
    this.pingTimer.unref();
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  /** Takes the upgrade when the path is a stream endpoint; false leaves it to others. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = parseStreamUrl(request.url);
    if (url === null) {
      return false;
    }
    // MICROSECOND is Binance's too, but the service writes event times in milliseconds only.
    if (url.timeUnit !== 'millisecond') {
      refuseUpgrade(socket, 400, '{"code":-1100,"msg":"Invalid timeUnit."}');
      return true;
    }
    if (this.stopping || this.clients.size >= this.options.maxConnections) {
      this.connectionsRefused += 1;
      refuseUpgrade(socket, 503, `{"code":-1034,"msg":"Too many concurrent connections; current limit is '${this.options.maxConnections}'."}`);
      return true;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const client = new StreamClient(ws, socket, url.combined, this.options.maxBufferedBytes);
      this.accept(client);
      // Names that are not streams are ignored in a URL, as Binance does (ccxt connects to `/ws/0`).
      this.follow(client, url.streams.filter((name) => parseStreamName(name) !== null).slice(0, MAX_STREAMS_PER_CONNECTION));
    });
    return true;
  }

  /** At shutdown: `serverShutdown` to every client in its wire form, then close 1001, as Binance announces a restart. */
  onModuleDestroy(): void {
    this.stopping = true;
    clearInterval(this.pingTimer);
    const event = `{"e":"serverShutdown","E":${Date.now()}}`;
    for (const client of this.clients) {
      client.sendText(client.combined ? `{"stream":"!serverShutdown","data":${event}}` : event);
      client.close(GOING_AWAY, 'Server shutdown');
    }
  }

  private accept(client: StreamClient): void {
    const { ws } = client;
    this.clients.add(client);
    this.connectionsAccepted += 1;
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (this.admit(client)) {
        this.answer(client, isBinary ? '' : rawText(data));
      }
    });
    ws.on('ping', () => this.admit(client));
    ws.on('pong', () => {
      if (this.admit(client)) client.pongReceived();
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      this.clients.delete(client);
      this.hub.forget(client);
    });
  }

  private admit(client: StreamClient): boolean {
    if (client.admitFrame(Date.now(), MAX_INCOMING_PER_SECOND)) {
      return true;
    }
    client.close(POLICY_VIOLATION, 'Too many requests');
    return false;
  }

  private answer(client: StreamClient, text: string): void {
    const parsed = parseControlRequest(text);
    client.sendText(parsed.ok ? this.execute(client, parsed.request) : formatError(parsed.error));
  }

  private execute(client: StreamClient, request: ControlRequest): string {
    switch (request.method) {
      case 'SUBSCRIBE': {
        const added = new Set(request.streams.filter((stream) => !client.streams.has(stream)));
        if (client.streams.size + added.size > MAX_STREAMS_PER_CONNECTION) {
          return formatError({ id: request.id, code: 4, msg: 'Too many subscriptions' });
        }
        this.follow(client, added);
        return formatResult(request.id, null);
      }
      case 'UNSUBSCRIBE':
        this.hub.unfollow(client, request.streams);
        return formatResult(request.id, null);
      case 'LIST_SUBSCRIPTIONS':
        return formatResult(request.id, [...client.streams]);
      case 'SET_PROPERTY':
        client.combined = request.combined;
        return formatResult(request.id, null);
      case 'GET_PROPERTY':
        return formatResult(request.id, client.combined);
    }
  }

  private follow(client: StreamClient, streams: Iterable<string>): void {
    for (const stream of streams) {
      const topic = parseStreamName(stream);
      if (topic !== null && 'symbol' in topic && topic.symbol !== null && !this.market.isServed(topic.symbol)) {
        this.market.requestTracking(topic.symbol);
      }
    }
    this.hub.follow(client, streams);
  }

  /** One timer for every client: a ping each interval; a client that left one unanswered for the pong timeout is closed. */
  private pingAll(): void {
    const now = Date.now();
    for (const client of this.clients) {
      if (client.open) client.keepAlive(now, this.options.pongTimeoutMs);
    }
  }
}

function refuseUpgrade(socket: Duplex, status: 400 | 503, body: string): void {
  const reason = status === 400 ? 'Bad Request' : 'Service Unavailable';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
