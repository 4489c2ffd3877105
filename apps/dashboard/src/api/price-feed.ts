import type { PricePush } from './api-types';

export type FeedState = 'connecting' | 'live' | 'reconnecting';

export interface PriceFeedHandlers {
  price(push: PricePush): void;
  removed(symbol: string): void;
  state(state: FeedState): void;
  /** The push is back after a drop: what changed meanwhile (symbols added or removed elsewhere) must be read again. */
  reconnected(): void;
}

/** Waits between attempts to connect again, growing to the last; reset once a connection opens. */
const RECONNECT_DELAYS_MS = [500, 1_000, 2_000, 4_000, 5_000];

/**
 * The live push (`GET /api/currencies/stream`, every tracked symbol, ones added later included) as a feed that
 * recovers by itself. EventSource's own retry gives up for good on an error status (a 503 while the instance is full)
 * and is silent about it, so any error closes the source and this opens a new one after a growing delay; an `end`
 * event (the instance is stopping) does the same.
 */
export class PriceFeed {
  private source: EventSource | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private everOpened = false;

  constructor(
    private readonly url: string,
    private readonly on: PriceFeedHandlers,
  ) {}

  start(): void {
    this.on.state('connecting');
    this.connect();
  }

  private connect(): void {
    this.timer = null;
    const source = new EventSource(this.url);
    this.source = source;
    source.onopen = () => {
      this.failures = 0;
      this.on.state('live');
      if (this.everOpened) this.on.reconnected();
      this.everOpened = true;
    };
    source.addEventListener('price', (event) => this.on.price(JSON.parse((event as MessageEvent<string>).data) as PricePush));
    source.addEventListener('removed', (event) => this.on.removed((JSON.parse((event as MessageEvent<string>).data) as { symbol: string }).symbol));
    source.addEventListener('end', () => this.dropped());
    source.onerror = () => this.dropped();
  }

  private dropped(): void {
    this.source?.close();
    this.source = null;
    if (this.timer !== null) return;
    this.on.state('reconnecting');
    const delay = RECONNECT_DELAYS_MS[Math.min(this.failures, RECONNECT_DELAYS_MS.length - 1)];
    this.failures += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
