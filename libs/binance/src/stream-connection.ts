import { Logger } from '@nestjs/common';
import { AggTrade, SlidingWindowLimiter } from '@binance-rates/domain';
import WebSocket from 'ws';
import { parseStreamFrame } from './stream-frame.parser';

export enum ConnectionState {
  Connecting = 'connecting',
  Open = 'open',
  Closed = 'closed',
}

export interface StreamConnectionTimings {
  /** Send our own ping after this long without any frame from the server. */
  pingAfterIdleMs: number;
  /** Declare the link dead (half-open) after this long without any frame, data, ping or pong. */
  deadAfterIdleMs: number;
  /** A control request unanswered this long is logged and retried by the owner on the next connection. */
  requestTimeoutMs: number;
  connectTimeoutMs: number;
}

export interface StreamConnectionOptions {
  id: string;
  /** Base URL such as wss://stream.binance.com:9443; `/stream` is appended. */
  baseUrl: string;
  /** Frames we send per second, counting pings and pongs. Binance disconnects above 5. */
  maxOutgoingPerSecond: number;
  maxStreamsPerMessage: number;
  timings: StreamConnectionTimings;
}

export interface StreamConnectionListener {
  onTrade(trade: AggTrade): void;
  /** Every stream in `streams` is now acknowledged as subscribed on this connection. */
  onSubscribed(connection: StreamConnection, streams: readonly string[]): void;
  onServerShutdown(connection: StreamConnection): void;
  onClosed(connection: StreamConnection, reason: string): void;
}

type ControlMethod = 'SUBSCRIBE' | 'UNSUBSCRIBE';

interface PendingRequest {
  method: ControlMethod;
  streams: string[];
  sentAt: number;
}

const WATCHDOG_TICK_MS = 250;

/**
 * One combined-stream socket. It never reconnects by itself: the owner replaces a closed connection, which keeps
 * renewal (make-before-break) and reconnection in one place. Within its lifetime it keeps the subscribed set equal
 * to the desired one, paces every frame it sends under Binance's 5 messages per second, answers pings, and closes
 * itself when the link goes silent.
 */
export class StreamConnection {
  private readonly logger: Logger;
  private readonly socket: WebSocket;
  private readonly outgoing: SlidingWindowLimiter;
  private readonly desired = new Set<string>();
  private readonly subscribed = new Set<string>();
  private readonly queued: Array<{ method: ControlMethod; stream: string }> = [];
  private readonly pending = new Map<number, PendingRequest>();
  private nextRequestId = 1;
  private lastFrameAt = Date.now();
  private readonly openedAt = Date.now();
  private pingOutstanding = false;
  private watchdog: NodeJS.Timeout | null = null;
  private closeReason: string | null = null;
  private sentFrames = 0;
  state = ConnectionState.Connecting;

  constructor(
    private readonly options: StreamConnectionOptions,
    private readonly listener: StreamConnectionListener,
    initialStreams: Iterable<string> = [],
  ) {
    this.logger = new Logger(`StreamConnection ${options.id}`);
    // Binance allows 5 per second; keep one slot free for the automatic pong to a server ping.
    this.outgoing = new SlidingWindowLimiter(options.maxOutgoingPerSecond, 1_000);
    for (const stream of initialStreams) {
      this.add(stream);
    }
    this.socket = new WebSocket(`${options.baseUrl}/stream`, {
      handshakeTimeout: options.timings.connectTimeoutMs,
      perMessageDeflate: false,
      autoPong: false,
    });
    this.socket.on('open', () => this.handleOpen());
    this.socket.on('message', (data: Buffer, isBinary: boolean) => this.handleMessage(data, isBinary));
    this.socket.on('ping', (payload: Buffer) => this.handlePing(payload));
    this.socket.on('pong', () => {
      this.lastFrameAt = Date.now();
      this.pingOutstanding = false;
    });
    this.socket.on('error', (error: Error) => this.logger.warn(`socket error: ${error.message}`));
    this.socket.on('close', (code: number, reason: Buffer) =>
      this.handleClose(this.closeReason ?? `closed by server: ${code} ${reason.toString() || ''}`.trim()),
    );
    this.watchdog = setInterval(() => this.tick(), WATCHDOG_TICK_MS);
  }

  get id(): string {
    return this.options.id;
  }

  get ageMs(): number {
    return Date.now() - this.openedAt;
  }

  /** Frames sent so far, pings and pongs included. */
  get framesSent(): number {
    return this.sentFrames;
  }

  desiredStreams(): ReadonlySet<string> {
    return this.desired;
  }

  /** True when open and every desired stream is acknowledged. */
  isReady(): boolean {
    if (this.state !== ConnectionState.Open || this.queued.length > 0 || this.pending.size > 0) {
      return false;
    }
    for (const stream of this.desired) {
      if (!this.subscribed.has(stream)) {
        return false;
      }
    }
    return true;
  }

  isSubscribed(stream: string): boolean {
    return this.subscribed.has(stream);
  }

  add(stream: string): void {
    if (this.desired.has(stream)) {
      return;
    }
    this.desired.add(stream);
    this.queued.push({ method: 'SUBSCRIBE', stream });
  }

  remove(stream: string): void {
    if (!this.desired.delete(stream)) {
      return;
    }
    this.queued.push({ method: 'UNSUBSCRIBE', stream });
  }

  /** Closes the socket on purpose; the listener still hears `onClosed` with this reason. */
  close(reason: string): void {
    this.closeReason ??= reason;
    if (this.socket.readyState === WebSocket.OPEN) {
      this.socket.close(1000, reason.slice(0, 100));
      // A peer that never answers the close handshake must not keep the socket alive.
      setTimeout(() => this.socket.terminate(), 2_000).unref();
    } else {
      this.socket.terminate();
    }
  }

  /** Abandons the socket without a close handshake (a dead link will not answer one). */
  terminate(reason: string): void {
    this.closeReason ??= reason;
    this.socket.terminate();
  }

  private handleOpen(): void {
    this.state = ConnectionState.Open;
    this.lastFrameAt = Date.now();
    this.flushControl();
  }

  private handleMessage(data: Buffer, isBinary: boolean): void {
    this.lastFrameAt = Date.now();
    if (isBinary) {
      return;
    }
    let frame;
    try {
      frame = parseStreamFrame(data.toString());
    } catch (error) {
      this.logger.warn(`unparseable frame dropped: ${(error as Error).message}`);
      return;
    }
    switch (frame.kind) {
      case 'aggTrade':
        this.listener.onTrade(frame.trade);
        return;
      case 'result':
        this.handleResult(frame.id);
        return;
      case 'error':
        this.handleError(frame.id, frame.code, frame.message);
        return;
      case 'serverShutdown':
        this.logger.log('server announced shutdown');
        this.listener.onServerShutdown(this);
        return;
      default:
        return;
    }
  }

  private handleResult(id: number): void {
    const request = this.pending.get(id);
    if (!request) {
      return;
    }
    this.pending.delete(id);
    if (request.method === 'SUBSCRIBE') {
      // The server subscribed every stream of the request, even one removed meanwhile: recording them all lets
      // the queued UNSUBSCRIBE for such a stream go out.
      for (const stream of request.streams) {
        this.subscribed.add(stream);
      }
      const acknowledged = request.streams.filter((stream) => this.desired.has(stream));
      if (acknowledged.length > 0) {
        this.listener.onSubscribed(this, acknowledged);
      }
    } else {
      for (const stream of request.streams) {
        this.subscribed.delete(stream);
      }
    }
    this.flushControl();
  }

  private handleError(id: number | string | null, code: number, message: string): void {
    const request = typeof id === 'number' ? this.pending.get(id) : undefined;
    const described = request ? `${request.method} ${request.streams.join(',')}` : `request id ${String(id)}`;
    this.logger.error(`Binance rejected ${described}: code ${code} ${message}`);
    if (request && typeof id === 'number') {
      this.pending.delete(id);
    }
    this.flushControl();
  }

  private handlePing(payload: Buffer): void {
    this.lastFrameAt = Date.now();
    // Binance requires a pong echoing the payload; it also counts toward the 5 messages per second.
    this.outgoing.record(this.lastFrameAt);
    this.sentFrames += 1;
    this.socket.pong(payload);
  }

  private handleClose(reason: string): void {
    if (this.state === ConnectionState.Closed) {
      return;
    }
    this.state = ConnectionState.Closed;
    if (this.watchdog) {
      clearInterval(this.watchdog);
      this.watchdog = null;
    }
    this.subscribed.clear();
    this.pending.clear();
    this.listener.onClosed(this, reason);
  }

  private tick(): void {
    if (this.state !== ConnectionState.Open) {
      if (this.state === ConnectionState.Connecting && this.ageMs > this.options.timings.connectTimeoutMs * 2) {
        this.terminate('connect timeout');
      }
      return;
    }
    const now = Date.now();
    const idle = now - this.lastFrameAt;
    if (idle >= this.options.timings.deadAfterIdleMs) {
      this.logger.warn(`no frame for ${idle} ms: treating the link as dead`);
      this.terminate(`silent for ${idle} ms`);
      return;
    }
    if (idle >= this.options.timings.pingAfterIdleMs && !this.pingOutstanding && this.outgoing.tryTake(now)) {
      this.pingOutstanding = true;
      this.sentFrames += 1;
      this.socket.ping();
    }
    for (const [id, request] of this.pending) {
      if (now - request.sentAt > this.options.timings.requestTimeoutMs) {
        this.logger.error(`no answer to ${request.method} (id ${id}) within ${this.options.timings.requestTimeoutMs} ms`);
        this.terminate('control request timed out');
        return;
      }
    }
    this.flushControl();
  }

  /**
   * Sends queued subscription changes, merging consecutive ones of the same kind into one message, as long as the
   * outgoing window has room. Only one request is in flight at a time so acknowledgements map to their streams.
   */
  private flushControl(): void {
    if (this.state !== ConnectionState.Open || this.pending.size > 0 || this.queued.length === 0) {
      return;
    }
    const now = Date.now();
    if (this.outgoing.delayUntilAllowed(now) > 0) {
      return;
    }
    const method = this.queued[0].method;
    const streams: string[] = [];
    while (
      this.queued.length > 0 &&
      this.queued[0].method === method &&
      streams.length < this.options.maxStreamsPerMessage
    ) {
      const { stream } = this.queued.shift() as { stream: string };
      const stillWanted = method === 'SUBSCRIBE' ? this.desired.has(stream) : !this.desired.has(stream);
      const alreadyThere = method === 'SUBSCRIBE' ? this.subscribed.has(stream) : !this.subscribed.has(stream);
      if (stillWanted && !alreadyThere && !streams.includes(stream)) {
        streams.push(stream);
      }
    }
    if (streams.length === 0) {
      this.flushControl();
      return;
    }
    const id = this.nextRequestId++;
    this.outgoing.tryTake(now);
    this.sentFrames += 1;
    this.pending.set(id, { method, streams, sentAt: now });
    this.socket.send(JSON.stringify({ method, params: streams, id }));
  }
}
