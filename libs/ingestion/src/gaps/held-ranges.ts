import { Logger } from '@nestjs/common';
import { FoundTradeGap } from '@binance-rates/storage';

/** Retrying the ranges PostgreSQL refused to record: from half a second, doubling up to 10 s. */
const RETRY_INITIAL_MS = 500;
const RETRY_MAX_MS = 10_000;

/** The symbols whose history is held back; a Map's keys serve as well as a Set. */
export interface HeldSymbols {
  readonly size: number;
  has(symbol: string): boolean;
}

/**
 * New ranges PostgreSQL refused to record, by symbol, retried until it records them. Their symbols are held back
 * meanwhile: the history lanes store none of their trades, so no trade above an unrecorded range reaches PostgreSQL
 * before the range does (fail closed), while every other symbol flows on.
 */
export class HeldRanges {
  private readonly logger = new Logger(HeldRanges.name);
  private readonly bySymbol = new Map<string, FoundTradeGap[]>();
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = 0;
  private recording = false;
  private stopped = false;
  /** Epoch ms since some symbol is held back; null while none is. */
  heldSince: number | null = null;

  constructor(private readonly record: (ranges: FoundTradeGap[]) => Promise<unknown>) {}

  get symbols(): HeldSymbols {
    return this.bySymbol;
  }

  get count(): number {
    let count = 0;
    for (const ranges of this.bySymbol.values()) count += ranges.length;
    return count;
  }

  hold(found: readonly FoundTradeGap[]): void {
    if (found.length > 0) {
      this.heldSince ??= Date.now();
    }
    for (const gap of found) {
      const ranges = this.bySymbol.get(gap.symbol);
      if (ranges === undefined) {
        this.bySymbol.set(gap.symbol, [gap]);
        this.logger.error(`${gap.symbol}: range ${gap.fromId}..${gap.toId ?? 'now'} not recorded; its history is held back until it is`);
      } else {
        ranges.push(gap);
      }
    }
    this.scheduleRetry();
  }

  /** No more retries after one last attempt; what is still held is logged (its symbol stored nothing above it). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.recordAll();
    if (this.bySymbol.size > 0) {
      this.logger.error(`stopping with ranges of ${[...this.bySymbol.keys()].join(', ')} unrecorded; their next owner resumes below them`);
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.recording || this.stopped || this.bySymbol.size === 0) {
      return;
    }
    this.retryMs = Math.min(Math.max(this.retryMs * 2, RETRY_INITIAL_MS), RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => void this.recordAll(), this.retryMs);
    this.retryTimer.unref();
  }

  /** One attempt at recording every held range; a symbol whose ranges are all recorded flows again. */
  private async recordAll(): Promise<void> {
    this.retryTimer = null;
    const held = [...this.bySymbol.values()].flat();
    if (held.length === 0 || this.recording) {
      return;
    }
    this.recording = true;
    try {
      await this.record(held);
      for (const gap of held) {
        const left = (this.bySymbol.get(gap.symbol) ?? []).filter((range) => range !== gap);
        if (left.length > 0) {
          this.bySymbol.set(gap.symbol, left);
        } else if (this.bySymbol.delete(gap.symbol)) {
          this.logger.log(`${gap.symbol}: held ranges recorded; its history flows again`);
        }
      }
      this.retryMs = 0;
      if (this.bySymbol.size === 0) {
        this.heldSince = null;
      }
    } catch (error) {
      this.logger.warn(`${held.length} ranges still not recorded, their symbols held back: ${(error as Error).message}`);
    } finally {
      this.recording = false;
      this.scheduleRetry();
    }
  }
}
