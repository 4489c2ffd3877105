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
 * The outgoing limit is counted over a little more than Binance's one second: frames delayed on our side or bunched
 * on theirs (a busy event loop reads several at once) must still arrive at fewer than 5 in any second.
 */
const PACING_WINDOW_MS = 1_250;
/** A stream Binance refused on its own is asked for again after this long, never in a tight loop. */
const REJECTED_RETRY_MS = 60_000;

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
  /** Streams of a refused batch, asked for one per request so that one bad stream cannot hold back the others. */
  private readonly isolate = new Set<string>();
  /** Streams refused on their own, with the time they may be asked for again. */
  private readonly rejected = new Map<string, number>();
  private nextRequestId = 1;
  private lastFrameAt = Date.now();
  private readonly openedAt = Date.now();
  private pingOutstanding = false;
  private watchdog: NodeJS.Timeout | null = null;
  private closeReason: string | null = null;
  private sentFrames = 0;
  private shutdownAnnounced = false;
  state = ConnectionState.Connecting;

  constructor(
    private readonly options: StreamConnectionOptions,
    private readonly listener: StreamConnectionListener,
    initialStreams: Iterable<string> = [],
  ) {
    this.logger = new Logger(`StreamConnection ${options.id}`);
    // Binance allows 5 per second; keep one slot free for the pong we owe a server ping.
    this.outgoing = new SlidingWindowLimiter(options.maxOutgoingPerSecond, PACING_WINDOW_MS);
    for (const stream of initialStreams) {
      this.add(stream);
    }
    this.socket = new WebSocket(`${options.baseUrl}/stream`, {
      handshakeTimeout: options.timings.connectTimeoutMs,
      perMessageDeflate: false,
      autoPong: false,
      // The frame parser reads bytes and refuses anything that is not a well-formed trade, so ws checking every
      // text frame for valid UTF-8 first (~1.5% of the service's CPU at 100k trades/s) buys nothing.
      skipUTF8Validation: true,
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

  /** True once the server announced it will close this connection (`serverShutdown`). */
  get closing(): boolean {
    return this.shutdownAnnounced;
  }

  /** Frames sent so far, pings and pongs included. */
  get framesSent(): number {
    return this.sentFrames;
  }

  desiredStreams(): ReadonlySet<string> {
    return this.desired;
  }

  /** True when open and every desired stream is acknowledged (streams Binance refused do not count). */
  isReady(): boolean {
    if (this.state !== ConnectionState.Open || this.queued.length > 0 || this.pending.size > 0) {
      return false;
    }
    for (const stream of this.desired) {
      if (!this.subscribed.has(stream) && !this.rejected.has(stream)) {
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
    this.rejected.delete(stream);
    this.isolate.delete(stream);
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
      // The bytes, not a decoded string: the parser reads aggTrade frames straight from them.
      frame = parseStreamFrame(data);
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
        this.shutdownAnnounced = true;
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
        this.isolate.delete(stream);
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

  /**
   * `{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":7}` answers request 7. Binance refuses a whole
   * SUBSCRIBE for one bad stream, so the streams of a refused batch are asked for again one by one; a stream refused
   * on its own is reported and retried much later. A refused UNSUBSCRIBE is only logged.
   */
  private handleError(id: number | string | null, code: number, message: string): void {
    const request = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!request) {
      this.logger.error(`Binance error for unknown request id ${String(id)}: code ${code} ${message}`);
      return;
    }
    this.pending.delete(id as number);
    const streams = request.streams.length <= 5 ? request.streams.join(',') : `${request.streams.slice(0, 5).join(',')} and ${request.streams.length - 5} more`;
    this.logger.error(`Binance refused ${request.method} (id ${String(id)}) of ${streams}: code ${code} ${message}`);
    if (request.method === 'SUBSCRIBE') {
      const wanted = request.streams.filter((stream) => this.desired.has(stream));
      if (wanted.length === 1 && request.streams.length === 1) {
        this.rejected.set(wanted[0], Date.now() + REJECTED_RETRY_MS);
        this.isolate.delete(wanted[0]);
      } else {
        for (const stream of wanted) {
          this.isolate.add(stream);
          this.queued.push({ method: 'SUBSCRIBE', stream });
        }
      }
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
    for (const [stream, retryAt] of this.rejected) {
      if (retryAt <= now) {
        this.rejected.delete(stream);
        this.isolate.add(stream);
        this.queued.push({ method: 'SUBSCRIBE', stream });
      }
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
    let alone = false;
    while (
      this.queued.length > 0 &&
      this.queued[0].method === method &&
      streams.length < (alone ? 1 : this.options.maxStreamsPerMessage)
    ) {
      const { stream } = this.queued[0];
      const stillWanted = method === 'SUBSCRIBE' ? this.desired.has(stream) && !this.rejected.has(stream) : !this.desired.has(stream);
      const alreadyThere = method === 'SUBSCRIBE' ? this.subscribed.has(stream) : !this.subscribed.has(stream);
      const wanted = stillWanted && !alreadyThere && !streams.includes(stream);
      if (wanted && method === 'SUBSCRIBE' && this.isolate.has(stream)) {
        if (streams.length > 0) {
          break;
        }
        alone = true;
      }
      this.queued.shift();
      if (wanted) {
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
