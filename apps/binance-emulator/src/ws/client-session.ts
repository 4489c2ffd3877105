import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { IncomingRateLimiter } from './incoming-rate-limiter';

/** Shared by every data frame: Buffers are sent as text frames, so one Buffer can go to many sockets. */
const TEXT_FRAME = { binary: false } as const;
/** A peer that ignores our close frame is cut off after this long. */
const CLOSE_GRACE_MS = 1_000;

export interface ClientSessionInfo {
  connectionId: string;
  path: string;
  streams: string[];
  combined: boolean;
  frozen: boolean;
  openedAt: number;
  controlMessages: number;
  pingsReceived: number;
  pongsReceived: number;
  framesReceived: number;
  messagesSent: number;
}

export interface ClientSessionParams {
  id: string;
  ws: WebSocket;
  socket: Duplex;
  path: string;
  combined: boolean;
  microseconds: boolean;
  maxIncomingPerSecond: number;
}

/** One client's session on the stream server: its socket, subscriptions, wire form, counters and keep-alive timers. */
export class ClientSession {
  readonly id: string;
  readonly ws: WebSocket;
  readonly path: string;
  readonly openedAt = Date.now();
  readonly streams = new Set<string>();
  readonly limiter: IncomingRateLimiter;
  /** 0 raw-ms, 1 combined-ms, 2 raw-µs, 3 combined-µs: index into the per-event payload cache. */
  form: number;
  frozen = false;
  corked = false;
  controlMessages = 0;
  pingsReceived = 0;
  pongsReceived = 0;
  framesReceived = 0;
  messagesSent = 0;
  /** Payloads of our pings not yet answered; any matching pong answers them all. */
  outstandingPings: string[] = [];
  pingTimer: NodeJS.Timeout | undefined;
  pongDeadline: NodeJS.Timeout | undefined;
  lifetimeTimer: NodeJS.Timeout | undefined;
  private readonly socket: Duplex;

  constructor({ id, ws, socket, path, combined, microseconds, maxIncomingPerSecond }: ClientSessionParams) {
    this.id = id;
    this.ws = ws;
    this.socket = socket;
    this.path = path;
    this.form = (combined ? 1 : 0) | (microseconds ? 2 : 0);
    this.limiter = new IncomingRateLimiter(maxIncomingPerSecond);
  }

  get combined(): boolean {
    return (this.form & 1) !== 0;
  }

  set combined(value: boolean) {
    this.form = (this.form & 2) | (value ? 1 : 0);
  }

  get timeScale(): number {
    return this.form & 2 ? 1000 : 1;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Hot path: the caller checked `isOpen` and `frozen`. Corks so one batch leaves in a single writev. */
  sendData(payload: Buffer): void {
    if (!this.corked) {
      this.socket.cork();
      this.corked = true;
    }
    this.ws.send(payload, TEXT_FRAME);
    this.messagesSent++;
  }

  uncork(): void {
    if (this.corked) {
      this.corked = false;
      this.socket.uncork();
    }
  }

  sendText(text: string): void {
    if (this.isOpen && !this.frozen) {
      this.ws.send(text);
    }
  }

  /** Close frame first, then a hard cut if the peer does not complete the handshake. */
  close(code: number, reason: string): void {
    this.clearTimers();
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.close(code, reason);
      setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
    }
  }

  terminate(): void {
    this.clearTimers();
    this.ws.terminate();
  }

  /** Half-open: the TCP connection stays up but nothing is sent or answered until the client gives up. */
  freeze(): void {
    this.frozen = true;
    this.uncork();
    this.clearTimers();
  }

  clearTimers(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongDeadline);
    clearTimeout(this.lifetimeTimer);
    this.pingTimer = this.pongDeadline = this.lifetimeTimer = undefined;
  }

  info(): ClientSessionInfo {
    return {
      connectionId: this.id,
      path: this.path,
      streams: [...this.streams],
      combined: this.combined,
      frozen: this.frozen,
      openedAt: this.openedAt,
      controlMessages: this.controlMessages,
      pingsReceived: this.pingsReceived,
      pongsReceived: this.pongsReceived,
      framesReceived: this.framesReceived,
      messagesSent: this.messagesSent,
    };
  }
}
