import { Logger } from '@nestjs/common';
import { AggTrade, SlidingWindowLimiter } from '@binance-rates/domain';
import WebSocket from 'ws';
import { MAX_STREAM_FRAME_BYTES } from './binance.limits';
import { InputQuarantine } from './input-quarantine';
import { LinkWatchdog, LinkWatchdogTimings } from './link.watchdog';
import { parseStreamFrame } from './stream-frame.parser';
import { SubscriptionLedger } from './subscription.ledger';

export enum ConnectionState {
  Connecting = 'connecting',
  Open = 'open',
  Closed = 'closed',
}

export interface StreamConnectionTimings extends LinkWatchdogTimings {
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
  /** Where refused frames are counted (one per kind is logged with a sample). */
  quarantine: InputQuarantine;
}

export interface StreamConnectionListener {
  onTrade(trade: AggTrade): void;
  /** Every stream in `streams` is now acknowledged as subscribed on this connection. */
  onSubscribed(connection: StreamConnection, streams: readonly string[]): void;
  onServerShutdown(connection: StreamConnection): void;
  onClosed(connection: StreamConnection, reason: string): void;
}

const WATCHDOG_TICK_MS = 250;
/**
 * The outgoing limit is counted over a little more than Binance's one second: frames delayed on our side or bunched
 * on theirs (a busy event loop reads several at once) must still arrive at fewer than 5 in any second.
 */
const PACING_WINDOW_MS = 1_250;

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
  private readonly ledger: SubscriptionLedger;
  private readonly watchdog: LinkWatchdog;
  private readonly openedAt = Date.now();
  private tickTimer: NodeJS.Timeout | null = null;
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
    this.ledger = new SubscriptionLedger(options.maxStreamsPerMessage);
    this.watchdog = new LinkWatchdog(options.timings, Date.now());
    for (const stream of initialStreams) {
      this.add(stream);
    }
    this.socket = new WebSocket(`${options.baseUrl}/stream`, {
      handshakeTimeout: options.timings.connectTimeoutMs,
      perMessageDeflate: false,
      autoPong: false,
      // The frame parser reads bytes and refuses anything that is not a well-formed trade, so ws checking every
      // text frame for valid UTF-8 first costs CPU on every trade and buys nothing.
      skipUTF8Validation: true,
      maxPayload: MAX_STREAM_FRAME_BYTES,
    });
    this.socket.on('open', () => this.handleOpen());
    this.socket.on('message', (data: Buffer, isBinary: boolean) => this.handleMessage(data, isBinary));
    this.socket.on('ping', (payload: Buffer) => this.handlePing(payload));
    this.socket.on('pong', () => this.watchdog.pongReceived(Date.now()));
    this.socket.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        // ws refused a frame over maxPayload and closes the connection; the owner reconnects and backfills the gap.
        options.quarantine.refuse('frame_oversized', `connection ${options.id}: ${error.message}`);
      }
      this.logger.warn(`socket error: ${error.message}`);
    });
    this.socket.on('close', (code: number, reason: Buffer) =>
      this.handleClose(this.closeReason ?? `closed by server: ${code} ${reason.toString() || ''}`.trim()),
    );
    this.tickTimer = setInterval(() => this.tick(), WATCHDOG_TICK_MS);
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
    return this.ledger.desiredStreams();
  }

  /** True when open and every desired stream is acknowledged (streams Binance refused do not count). */
  isReady(): boolean {
    return this.state === ConnectionState.Open && this.ledger.isSettled();
  }

  isSubscribed(stream: string): boolean {
    return this.ledger.isSubscribed(stream);
  }

  add(stream: string): void {
    this.ledger.add(stream);
  }

  remove(stream: string): void {
    this.ledger.remove(stream);
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
    this.watchdog.frameReceived(Date.now());
    this.flushControl();
  }

  private handleMessage(data: Buffer, isBinary: boolean): void {
    this.watchdog.frameReceived(Date.now());
    if (isBinary) {
      return;
    }
    let frame;
    try {
      // The bytes, not a decoded string: the parser reads aggTrade frames straight from them.
      frame = parseStreamFrame(data);
    } catch (error) {
      // Counted per kind and logged once per kind: hostile frames can come at the stream's rate. A refused trade's
      // id is never seen by the sequencer, so the jump it leaves is backfilled (and refused again there if REST serves
      // the same trade: the fill fails and its gap stays recorded).
      this.options.quarantine.refuseError(error, data.toString('latin1', 0, 300));
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
    const acknowledged = this.ledger.acknowledge(id);
    if (acknowledged === null) {
      return;
    }
    if (acknowledged.length > 0) {
      this.listener.onSubscribed(this, acknowledged);
    }
    this.flushControl();
  }

  /** `{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":7}` answers request 7; the ledger decides what to retry. */
  private handleError(id: number | string | null, code: number, message: string): void {
    const request = this.ledger.refuse(id, Date.now());
    if (!request) {
      this.logger.error(`Binance error for unknown request id ${String(id)}: code ${code} ${message}`);
      return;
    }
    const streams = request.streams.length <= 5 ? request.streams.join(',') : `${request.streams.slice(0, 5).join(',')} and ${request.streams.length - 5} more`;
    this.logger.error(`Binance refused ${request.method} (id ${String(id)}) of ${streams}: code ${code} ${message}`);
    this.flushControl();
  }

  private handlePing(payload: Buffer): void {
    const now = Date.now();
    this.watchdog.frameReceived(now);
    // Binance requires a pong echoing the payload; it also counts toward the 5 messages per second.
    this.outgoing.record(now);
    this.sentFrames += 1;
    this.socket.pong(payload);
  }

  private handleClose(reason: string): void {
    if (this.state === ConnectionState.Closed) {
      return;
    }
    this.state = ConnectionState.Closed;
    if (this.tickTimer) {
      clearInterval(this.tickTimer);
      this.tickTimer = null;
    }
    this.ledger.linkLost();
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
    const verdict = this.watchdog.check(now);
    if (verdict.kind === 'dead') {
      this.logger.warn(`no frame for ${verdict.idleMs} ms: treating the link as dead`);
      this.terminate(`silent for ${verdict.idleMs} ms`);
      return;
    }
    if (verdict.kind === 'pingDue' && this.outgoing.tryTake(now)) {
      this.watchdog.pingSent();
      this.sentFrames += 1;
      this.socket.ping();
    }
    this.ledger.retryRefusedDue(now);
    const overdue = this.ledger.overdueRequest(now, this.options.timings.requestTimeoutMs);
    if (overdue) {
      this.logger.error(`no answer to ${overdue.method} (id ${overdue.id}) within ${this.options.timings.requestTimeoutMs} ms`);
      this.terminate('control request timed out');
      return;
    }
    this.flushControl();
  }

  /** Sends the ledger's next subscription request while the outgoing window has room; one is in flight at a time. */
  private flushControl(): void {
    if (this.state !== ConnectionState.Open || !this.ledger.hasRequestToSend()) {
      return;
    }
    const now = Date.now();
    if (this.outgoing.delayUntilAllowed(now) > 0) {
      return;
    }
    const request = this.ledger.takeNextRequest(now);
    if (!request) {
      return;
    }
    this.outgoing.tryTake(now);
    this.sentFrames += 1;
    this.socket.send(JSON.stringify({ method: request.method, params: request.streams, id: request.id }));
  }
}
