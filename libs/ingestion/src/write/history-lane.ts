import { Logger } from '@nestjs/common';
import { AggTrade, LoopProgress, TradeRun, TradeRunBatch } from '@binance-rates/domain';
import { HeldSymbols } from '../gaps/held-ranges';
import { RetryingFlush } from './retrying-flush';

/** A sealed batch: runs in `COLLATE "C"` symbol order and how many trades they hold. */
interface SealedRuns {
  runs: TradeRun[];
  rows: number;
}

export interface HistoryLaneOptions {
  batchSize: number;
  flushIntervalMs: number;
  /** Stores the runs (TradeHistoryWriter.store): each trade once, however often it is written. */
  insert: (runs: readonly TradeRun[]) => Promise<unknown>;
  /** A batch is written: its `stored` trades are in PostgreSQL. */
  onStored: (stored: number) => void;
  onFailure: () => void;
  /** When it returns a promise, the next batch is written only after it settles. */
  gate: () => Promise<unknown> | null;
  /** Symbols none of whose rows may be written yet (a range of theirs is not recorded); none when left out. */
  heldBack?: () => HeldSymbols;
}

const NOTHING_HELD: HeldSymbols = new Set<string>();

/**
 * How long one batch write may take: a checkout waits at most 5 s for a connection (DatabaseClient), and a batch's
 * COPY itself takes well under a second.
 */
const WRITE_WITHIN_MS = 5_000;

/**
 * One writer of history to PostgreSQL: trades go into columns of numbers as they arrive (the backlog is typed
 * arrays, not objects the garbage collector would have to trace and promote), sealed into batches of runs of at most
 * `batchSize` trades (taking a batch is O(1), however long the backlog), written through a retrying flush. Several
 * lanes, each owning a share of the symbols, write in parallel.
 *
 * A held-back symbol never stalls a lane: its runs are split off a batch and kept aside until its range is recorded,
 * while the rest is written (checked per batch, and only while some symbol is held). Values PostgreSQL could refuse
 * are refused earlier, by TradeRunBatch when a trade is pushed, so a batch never fails for its data.
 */
export class HistoryLane {
  private readonly logger = new Logger(HistoryLane.name);
  private readonly open = new TradeRunBatch();
  private readonly sealed: SealedRuns[] = [];
  private pendingCount = 0;
  /** Trades pushed and trades stored since the lane began; batches are stored in push order. */
  private pushedCount = 0;
  private storedCount = 0;
  private readonly storedWaiters: Array<{ upTo: number; settle: (stored: boolean) => void }> = [];
  /** Runs split off batches while their symbols were held back, with those symbols; still pending. */
  private readonly heldRows: Array<{ rows: SealedRuns; symbols: readonly string[] }> = [];
  private readonly flusher: RetryingFlush<SealedRuns>;
  private stopped = false;

  constructor(private readonly options: HistoryLaneOptions) {
    this.flusher = new RetryingFlush({
      take: () => this.take(),
      write: (batch) => {
        const gate = options.gate();
        const write = () => this.write(batch);
        return gate === null ? write() : gate.then(write, write);
      },
      stored: (batch) => this.stored(batch),
      failed: (batch, error, firstFailure) => {
        options.onFailure();
        if (firstFailure) {
          this.logger.warn(`history batch of ${batch.rows} not stored, holding it and retrying: ${error.message}`);
        }
        this.sealed.unshift(batch);
        this.pendingCount += batch.rows;
      },
      recovered: () => this.logger.log('PostgreSQL writes recovered'),
      nextDelayMs: () => (this.pendingCount === 0 ? null : this.pendingCount >= options.batchSize ? 0 : options.flushIntervalMs),
    });
  }

  get busy(): boolean {
    return this.flusher.busy;
  }

  get healthy(): boolean {
    return this.flusher.healthy;
  }

  /** Epoch ms since writes fail, null while they succeed. */
  get failingSince(): number | null {
    return this.flusher.failingSince;
  }

  /** For liveness: a write in flight or due, and since when. */
  progress(): LoopProgress {
    return this.flusher.progress(WRITE_WITHIN_MS);
  }

  /** Throws a RangeError, leaving the lane as it was, for a trade that cannot be stored (see TradeRunBatch). */
  push(trade: AggTrade): void {
    this.open.append(trade);
    this.pendingCount += 1;
    this.pushedCount += 1;
    if (this.open.count >= this.options.batchSize) {
      this.sealOpen();
    }
    if (this.pendingCount < this.options.batchSize || !this.flusher.now()) {
      this.flusher.within(this.options.flushIntervalMs);
    }
  }

  /** True once every trade pushed so far is stored; false if the lane stops first (or has stopped). */
  whenStored(): Promise<boolean> {
    if (this.storedCount >= this.pushedCount) {
      return Promise.resolve(true);
    }
    if (this.stopped) {
      return Promise.resolve(false);
    }
    return new Promise((settle) => this.storedWaiters.push({ upTo: this.pushedCount, settle }));
  }

  flush(): Promise<void> {
    return this.flusher.flush();
  }

  /** Schedules nothing more (explicit flushes still work); a shutdown calls it once the last trade was drained. */
  stop(): void {
    this.stopped = true;
    this.flusher.stop();
    for (const waiter of this.storedWaiters.splice(0)) {
      waiter.settle(false);
    }
  }

  private take(): SealedRuns | null {
    const released = this.heldRows.length === 0 ? null : this.takeReleased();
    if (released !== null) {
      return released;
    }
    if (this.sealed.length === 0) {
      this.sealOpen();
    }
    const batch = this.sealed.shift();
    if (batch === undefined) {
      if (this.heldRows.length > 0) {
        // Nothing else to write: look again later whether the held rows may go.
        this.flusher.within(this.options.flushIntervalMs);
      }
      return null;
    }
    this.pendingCount -= batch.rows;
    return batch;
  }

  /** Held rows whose symbols are no longer held back, as a batch; null while every one still is. */
  private takeReleased(): SealedRuns | null {
    const held = this.options.heldBack?.() ?? NOTHING_HELD;
    for (let index = 0; index < this.heldRows.length; index += 1) {
      const part = this.heldRows[index];
      if (part.symbols.every((symbol) => held.has(symbol))) {
        continue;
      }
      const split = partitionRuns(part.rows, held);
      if (split.held.rows > 0) {
        this.heldRows[index] = { rows: split.held, symbols: split.heldSymbols };
      } else {
        this.heldRows.splice(index, 1);
      }
      this.pendingCount -= split.free.rows;
      return split.free;
    }
    return null;
  }

  /**
   * Writes `batch` after splitting off the rows of held-back symbols (kept aside, still pending); the batch is left
   * holding what was written, which is what `stored` then counts.
   */
  private async write(batch: SealedRuns): Promise<void> {
    const held = this.options.heldBack?.() ?? NOTHING_HELD;
    if (held.size > 0 && batch.runs.some((run) => held.has(run.symbol))) {
      const split = partitionRuns(batch, held);
      this.heldRows.push({ rows: split.held, symbols: split.heldSymbols });
      this.pendingCount += split.held.rows;
      batch.runs = split.free.runs;
      batch.rows = split.free.rows;
      if (batch.rows === 0) {
        return;
      }
    }
    await this.options.insert(batch.runs);
  }

  private stored(batch: SealedRuns): void {
    this.options.onStored(batch.rows);
    this.storedCount += batch.rows;
    while (this.storedWaiters.length > 0 && this.storedWaiters[0].upTo <= this.storedCount) {
      this.storedWaiters.shift()?.settle(true);
    }
  }

  private sealOpen(): void {
    if (this.open.count > 0) {
      const rows = this.open.count;
      this.sealed.push({ runs: this.open.seal(), rows });
    }
  }
}

/** The runs of the symbols in `held` and the others, each a batch of its own, and which symbols the held ones are of. */
function partitionRuns(batch: SealedRuns, held: HeldSymbols): { held: SealedRuns; free: SealedRuns; heldSymbols: string[] } {
  const parts = { held: { runs: [] as TradeRun[], rows: 0 }, free: { runs: [] as TradeRun[], rows: 0 } };
  const heldSymbols = new Set<string>();
  for (const run of batch.runs) {
    const isHeld = held.has(run.symbol);
    const part = isHeld ? parts.held : parts.free;
    if (isHeld) heldSymbols.add(run.symbol);
    part.runs.push(run);
    part.rows += run.count;
  }
  return { held: parts.held, free: parts.free, heldSymbols: [...heldSymbols] };
}
