import { Injectable, Logger } from '@nestjs/common';
import { LoopProgress } from '@binance-rates/domain';
import { TrackedSymbolRepository } from '@binance-rates/storage';

export interface TrackedSymbolsChange {
  added: string[];
  removed: string[];
}

export type TrackedSymbolsListener = (change: TrackedSymbolsChange) => void;

const REFRESH_INTERVAL_MS = 500;

/**
 * The tracked list, held in memory and kept equal to PostgreSQL (the source of truth): changes made here apply at
 * once, changes made through other instances within a refresh interval. Reads of the list never touch the
 * database, and a database outage leaves the last known list in place.
 */
@Injectable()
export class TrackedSymbolsService {
  private readonly logger = new Logger(TrackedSymbolsService.name);
  private active = new Map<string, Date>();
  private readonly listeners: TrackedSymbolsListener[] = [];
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private failing = false;
  /** When the last refresh ended, failed ones included: for liveness, one is due every REFRESH_INTERVAL_MS. */
  private lastRefreshEndedAt = Date.now();
  private stamp: string | null = null;
  /** Bumped by local changes, so a reload that raced one is thrown away instead of undoing it. */
  private localChanges = 0;

  constructor(private readonly repository: TrackedSymbolRepository) {}

  onChange(listener: TrackedSymbolsListener): void {
    this.listeners.push(listener);
  }

  /** Loads the list; refreshes it from then on, also when this first load fails (it is tried again each interval). */
  async start(): Promise<void> {
    this.timer ??= setInterval(() => void this.refresh().catch(() => undefined), REFRESH_INTERVAL_MS);
    await this.refresh();
  }

  isActive(symbol: string): boolean {
    return this.active.has(symbol);
  }

  addedAt(symbol: string): Date | undefined {
    return this.active.get(symbol);
  }

  wasEverTracked(symbol: string): Promise<boolean> {
    return this.repository.wasEverTracked(symbol);
  }

  list(): string[] {
    return [...this.active.keys()].sort();
  }

  /** Applies the change here at once; other instances see it at their next poll of the change stamp. */
  async add(symbol: string): Promise<{ addedAt: Date; created: boolean }> {
    const { record, created } = await this.repository.add(symbol);
    this.localChanges += 1;
    if (!this.active.has(symbol) || created) {
      this.active.set(symbol, record.addedAt);
      this.notify({ added: [symbol], removed: [] });
    }
    return { addedAt: record.addedAt, created };
  }

  async remove(symbol: string): Promise<boolean> {
    const removed = await this.repository.remove(symbol);
    this.localChanges += 1;
    if (this.active.delete(symbol)) {
      this.notify({ added: [], removed: [symbol] });
    }
    return removed;
  }

  /** Reloads the list if its change stamp moved; concurrent callers share one round. */
  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = null;
      this.lastRefreshEndedAt = Date.now();
    });
    return this.refreshing;
  }

  /** For liveness: the next refresh is owed from the end of the last one while the periodic refresh runs. */
  progress(): LoopProgress {
    return { waitingSince: this.timer === null ? null : this.lastRefreshEndedAt, stepWithinMs: REFRESH_INTERVAL_MS };
  }

  private notify(change: TrackedSymbolsChange): void {
    for (const listener of this.listeners) {
      listener(change);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async load(): Promise<void> {
    let records;
    const localChangesBefore = this.localChanges;
    try {
      const stamp = await this.repository.changeStamp();
      if (stamp === this.stamp) {
        this.failing = false;
        return;
      }
      records = await this.repository.listActive();
      this.stamp = stamp;
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(`tracked list not refreshed, keeping the last known one: ${(error as Error).message}`);
      }
      this.failing = true;
      throw error;
    }
    this.failing = false;
    if (this.localChanges !== localChangesBefore) {
      this.stamp = null;
      return;
    }
    const next = new Map(records.map((record) => [record.symbol, record.addedAt] as const));
    const added = [...next.keys()].filter((symbol) => !this.active.has(symbol));
    const removed = [...this.active.keys()].filter((symbol) => !next.has(symbol));
    this.active = next;
    if (added.length > 0 || removed.length > 0) {
      this.notify({ added, removed });
    }
  }
}
