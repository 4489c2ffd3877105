import type { ClientSession } from './client-session';

/** Binance closes with 1008 "Too many requests": observed, not documented (binance/binance-connector-go#90). */
export const POLICY_VIOLATION = 1008;
export const GOING_AWAY = 1001;

export interface ConnectionPolicyOptions {
  pingIntervalMs: number;
  pongTimeoutMs: number;
  connectionLifetimeMs: number;
}

/**
 * Binance's rules for one stream connection, enforced on every session: client frames within the session's rate limit
 * (else close 1008), a pong for our pings within `pongTimeoutMs` (else close 1008), and a bounded lifetime (close 1001).
 */
export class ConnectionPolicy {
  controlMessageViolations = 0;
  pongTimeouts = 0;
  lifetimeCloses = 0;
  private pingSequence = 0;

  constructor(private readonly options: ConnectionPolicyOptions) {}

  /** Starts the pings and the lifetime clock of a session just accepted. */
  start(connection: ClientSession): void {
    connection.pingTimer = setInterval(() => this.sendPing(connection), this.options.pingIntervalMs);
    this.armLifetime(connection);
  }

  /** Every client frame counts toward the limit; a frozen connection ignores them all. */
  admitFrame(connection: ClientSession): boolean {
    if (connection.frozen || !connection.isOpen) {
      return false;
    }
    connection.framesReceived++;
    if (!connection.limiter.record(Date.now())) {
      this.controlMessageViolations++;
      connection.close(POLICY_VIOLATION, 'Too many requests');
      return false;
    }
    return true;
  }

  /** Only a pong echoing one of our pings keeps the connection alive; unsolicited pongs are merely counted. */
  handlePong(connection: ClientSession, payload: string): void {
    if (connection.outstandingPings.includes(payload)) {
      connection.outstandingPings.length = 0;
      clearTimeout(connection.pongDeadline);
      connection.pongDeadline = undefined;
    }
  }

  /** Applies to open connections too: each is closed `ms` after it was opened (at once if that has passed). */
  setConnectionLifetime(ms: number, connections: Iterable<ClientSession>): void {
    this.options.connectionLifetimeMs = ms;
    for (const connection of connections) {
      if (!connection.frozen) {
        this.armLifetime(connection);
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
        this.pongTimeouts++;
        connection.close(POLICY_VIOLATION, 'Pong timeout');
      }, this.options.pongTimeoutMs);
    }
  }

  private armLifetime(connection: ClientSession): void {
    clearTimeout(connection.lifetimeTimer);
    const remaining = Math.max(0, connection.openedAt + this.options.connectionLifetimeMs - Date.now());
    connection.lifetimeTimer = setTimeout(() => {
      this.lifetimeCloses++;
      connection.close(GOING_AWAY, 'Connection lifetime expired');
    }, Math.min(remaining, 2 ** 31 - 1));
  }
}
