import type { Duplex } from 'node:stream';
import WebSocket from 'ws';

/** Sent as text frames: one Buffer built per event goes to every client unchanged. */
const TEXT_FRAME = { binary: false } as const;
/** A peer that does not complete the close handshake is cut after this long. */
const CLOSE_GRACE_MS = 1_000;
/** Binance's policy-violation close, used for every cut it makes (rate limit, pong timeout) and ours (too slow). */
export const POLICY_VIOLATION = 1008;
export const GOING_AWAY = 1001;

/**
 * One client connection of the stream server: its socket, the streams it follows, its wire form (raw `/ws` or the
 * combined wrapper), its keep-alive state and its incoming-frame count. Sends never queue without bound: a client more
 * than `maxBufferedBytes` behind is cut with close 1008 and a reason saying so.
 */
export class StreamClient {
  readonly streams = new Set<string>();
  /** Events wrapped as `{"stream","data"}`: `/stream` connections, or after SET_PROPERTY combined true. */
  combined: boolean;
  /** When the first ping still unanswered was sent; null when none is outstanding. */
  private awaitingPongSince: number | null = null;
  eventsSent = 0;
  private framesThisSecond = 0;
  private second = 0;
  private corked = false;
  private closing = false;

  constructor(
    readonly ws: WebSocket,
    private readonly socket: Duplex,
    combined: boolean,
    private readonly maxBufferedBytes: number,
  ) {
    this.combined = combined;
  }

  get open(): boolean {
    return !this.closing && this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Hot path: one event. The socket is corked on the first send of a batch (`uncork` ends it), so a batch of events
   * leaves in one write. Returns false when the client was cut for being too slow.
   */
  sendEvent(payload: Buffer): boolean {
    if (this.ws.bufferedAmount + this.socket.writableLength > this.maxBufferedBytes) {
      this.close(POLICY_VIOLATION, `Too slow: more than ${this.maxBufferedBytes} bytes of events unsent`);
      return false;
    }
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
    }
    this.ws.send(payload, TEXT_FRAME);
    this.eventsSent += 1;
    return true;
  }

  uncork(): void {
    if (this.corked) {
      this.corked = false;
      this.socket.uncork();
    }
  }

  sendText(text: string): void {
    if (this.open) {
      this.ws.send(text);
    }
  }

  /** Counts one incoming frame (text, ping or pong alike, as Binance counts); false past `maxPerSecond`. */
  admitFrame(now: number, maxPerSecond: number): boolean {
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      this.second = second;
      this.framesThisSecond = 0;
    }
    this.framesThisSecond += 1;
    return this.framesThisSecond <= maxPerSecond;
  }

  /**
   * One keep-alive round (Binance pings every 20 s and closes a connection whose pong does not come within a minute):
   * a ping, or close 1008 `Pong timeout` when the first ping still unanswered was sent `pongTimeoutMs` ago or more.
   */
  keepAlive(now: number, pongTimeoutMs: number): void {
    if (this.awaitingPongSince !== null && now - this.awaitingPongSince >= pongTimeoutMs) {
      this.close(POLICY_VIOLATION, 'Pong timeout');
      return;
    }
    this.ws.ping();
    this.awaitingPongSince ??= now;
  }

  pongReceived(): void {
    this.awaitingPongSince = null;
  }

  /** Close frame (after whatever is queued), then a hard cut if the peer does not answer it. */
  close(code: number, reason: string): void {
    if (this.closing) {
      return;
    }
    this.closing = true;
    this.uncork();
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.close(code, reason);
      setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
    } else {
      this.ws.terminate();
    }
  }
}
