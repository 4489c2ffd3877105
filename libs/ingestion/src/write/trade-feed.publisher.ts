import { Logger } from '@nestjs/common';
import { TradeFeedStore } from '@binance-rates/cache';
import { AggTrade } from '@binance-rates/domain';

/** A trade is published this soon after it arrived; trades arriving meanwhile go in the same message. */
const PUBLISH_DELAY_MS = 1;
/** How often the publisher asks Redis whether anyone listens to the feed. */
const LISTENER_CHECK_MS = 1_000;
/**
 * Batches published but not yet answered beyond which new ones are dropped: a Redis that stalls must not make the
 * trade path hold trades in memory. The feed is live-only and best effort, like a Binance stream.
 */
const MAX_IN_FLIGHT = 64;

/**
 * Publishes this instance's live trades to the cluster's trade feed (Redis pub/sub), which the Binance-protocol
 * streams of every instance read. While no instance listens (checked once a second), a trade costs one comparison;
 * once one does, trades are batched per millisecond into one message.
 */
export class TradeFeedPublisher {
  private readonly logger = new Logger(TradeFeedPublisher.name);
  private pending: AggTrade[] = [];
  private timer: NodeJS.Timeout | null = null;
  private probe: NodeJS.Timeout | null = null;
  private listening = false;
  private inFlight = 0;
  private stopped = false;
  private failing = false;
  dropped = 0;

  constructor(private readonly store: TradeFeedStore) {}

  /** Hot path: every accepted live trade passes here. */
  accept(trade: AggTrade): void {
    if (!this.listening) {
      if (this.probe === null && !this.stopped) this.startProbing();
      return;
    }
    this.pending.push(trade);
    this.timer ??= setTimeout(() => this.publish(), PUBLISH_DELAY_MS);
  }

  stop(): void {
    this.stopped = true;
    this.listening = false;
    this.pending = [];
    if (this.timer) clearTimeout(this.timer);
    if (this.probe) clearInterval(this.probe);
    this.timer = this.probe = null;
  }

  private startProbing(): void {
    const check = () => {
      this.store.listenerCount().then(
        (count) => (this.listening = count > 0 && !this.stopped),
        () => (this.listening = false),
      );
    };
    this.probe = setInterval(check, LISTENER_CHECK_MS);
    this.probe.unref();
    check();
  }

  private publish(): void {
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) {
      return;
    }
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.dropped += batch.length;
      return;
    }
    this.inFlight += 1;
    this.store.publish(batch).then(
      (receivers) => {
        this.inFlight -= 1;
        this.failing = false;
        if (receivers === 0) this.listening = false;
      },
      (error: Error) => {
        this.inFlight -= 1;
        this.dropped += batch.length;
        if (!this.failing) {
          this.failing = true;
          this.logger.warn(`trade feed not published, live trades are skipped until Redis answers: ${error.message}`);
        }
      },
    );
  }
}
