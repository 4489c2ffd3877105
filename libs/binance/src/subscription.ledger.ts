export type SubscriptionMethod = 'SUBSCRIBE' | 'UNSUBSCRIBE';

/** One SUBSCRIBE or UNSUBSCRIBE message: `{"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":1}`. */
export interface SubscriptionRequest {
  id: number;
  method: SubscriptionMethod;
  streams: string[];
  sentAt: number;
}

/** A stream Binance refused on its own is asked for again after this long, never in a tight loop. */
const REJECTED_RETRY_MS = 60_000;

/**
 * The subscription bookkeeping of one combined-stream connection, without the socket: which streams are desired,
 * which are acknowledged, which changes still have to be sent, which request is in flight and which streams Binance
 * refused. The connection asks it for the next request to send and tells it the answers; the ledger only decides.
 *
 * Only one request is in flight at a time, so an acknowledgement (`{"result":null,"id":7}`) maps to its streams.
 */
export class SubscriptionLedger {
  private readonly desired = new Set<string>();
  private readonly subscribed = new Set<string>();
  private readonly queued: Array<{ method: SubscriptionMethod; stream: string }> = [];
  private readonly pending = new Map<number, SubscriptionRequest>();
  /** Streams of a refused batch, asked for one per request so that one bad stream cannot hold back the others. */
  private readonly isolate = new Set<string>();
  /** Streams refused on their own, with the time they may be asked for again. */
  private readonly rejected = new Map<string, number>();
  private nextRequestId = 1;

  constructor(private readonly maxStreamsPerMessage: number) {}

  /** The streams this connection should carry: what a replacement connection subscribes from the start. */
  desiredStreams(): ReadonlySet<string> {
    return this.desired;
  }

  isSubscribed(stream: string): boolean {
    return this.subscribed.has(stream);
  }

  /** True when nothing is queued or in flight and every desired stream is acknowledged (refused ones do not count). */
  isSettled(): boolean {
    if (this.queued.length > 0 || this.pending.size > 0) {
      return false;
    }
    for (const stream of this.desired) {
      if (!this.subscribed.has(stream) && !this.rejected.has(stream)) {
        return false;
      }
    }
    return true;
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

  /** True when a request may go out now: none is in flight and changes are queued. */
  hasRequestToSend(): boolean {
    return this.pending.size === 0 && this.queued.length > 0;
  }

  /**
   * Takes queued changes off the queue, merging consecutive ones of the same kind into one request of at most
   * `maxStreamsPerMessage` streams, and records that request as in flight. Changes that no longer apply (a stream
   * removed again, or already in the state asked for) are dropped. Null when nothing is left to send or a request is
   * already in flight.
   */
  takeNextRequest(now: number): SubscriptionRequest | null {
    if (this.pending.size > 0) {
      return null;
    }
    while (this.queued.length > 0) {
      const { method, streams } = this.takeBatch();
      if (streams.length > 0) {
        const request: SubscriptionRequest = { id: this.nextRequestId++, method, streams, sentAt: now };
        this.pending.set(request.id, request);
        return request;
      }
    }
    return null;
  }

  /**
   * Records the answer `{"result":null,"id":<id>}` and returns the streams it made live that are still desired, or
   * null when no request with this id is in flight.
   */
  acknowledge(id: number): string[] | null {
    const request = this.pending.get(id);
    if (!request) {
      return null;
    }
    this.pending.delete(id);
    if (request.method === 'UNSUBSCRIBE') {
      for (const stream of request.streams) {
        this.subscribed.delete(stream);
      }
      return [];
    }
    // The server subscribed every stream of the request, even one removed meanwhile: recording them all lets the
    // queued UNSUBSCRIBE for such a stream go out.
    for (const stream of request.streams) {
      this.subscribed.add(stream);
      this.isolate.delete(stream);
    }
    return request.streams.filter((stream) => this.desired.has(stream));
  }

  /**
   * Records the answer `{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":<id>}` and returns the refused
   * request, or null when no request with this id is in flight. Binance refuses a whole SUBSCRIBE for one bad stream,
   * so the streams of a refused batch are queued again one per request; a stream refused on its own is set aside and
   * retried much later. A refused UNSUBSCRIBE changes nothing.
   */
  refuse(id: number | string | null, now: number): SubscriptionRequest | null {
    const request = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!request) {
      return null;
    }
    this.pending.delete(request.id);
    if (request.method === 'SUBSCRIBE') {
      const wanted = request.streams.filter((stream) => this.desired.has(stream));
      if (wanted.length === 1 && request.streams.length === 1) {
        this.rejected.set(wanted[0], now + REJECTED_RETRY_MS);
        this.isolate.delete(wanted[0]);
      } else {
        for (const stream of wanted) {
          this.isolate.add(stream);
          this.queued.push({ method: 'SUBSCRIBE', stream });
        }
      }
    }
    return request;
  }

  /** Queues a new, single-stream SUBSCRIBE for every refused stream whose wait is over. */
  retryRefusedDue(now: number): void {
    for (const [stream, retryAt] of this.rejected) {
      if (retryAt <= now) {
        this.rejected.delete(stream);
        this.isolate.add(stream);
        this.queued.push({ method: 'SUBSCRIBE', stream });
      }
    }
  }

  /** The request in flight for longer than `timeoutMs`, if any. */
  overdueRequest(now: number, timeoutMs: number): SubscriptionRequest | null {
    for (const request of this.pending.values()) {
      if (now - request.sentAt > timeoutMs) {
        return request;
      }
    }
    return null;
  }

  /** The socket is gone: nothing is subscribed on it any more and no answer will come. */
  linkLost(): void {
    this.subscribed.clear();
    this.pending.clear();
  }

  private takeBatch(): { method: SubscriptionMethod; streams: string[] } {
    const method = this.queued[0].method;
    const streams: string[] = [];
    let alone = false;
    while (this.queued.length > 0 && this.queued[0].method === method && streams.length < (alone ? 1 : this.maxStreamsPerMessage)) {
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
    return { method, streams };
  }
}
