import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { TrackedSymbolRepository } from '@binance-rates/storage';

export type TrackedSymbolsListener = (change: { added: string[]; removed: string[] }) => void;

const REFRESH_INTERVAL_MS = 500;

/**
 * The tracked list, held in memory and kept equal to PostgreSQL (the source of truth): changes made here apply at
 * once, changes made through other instances within a refresh interval. Reads of the list never touch the
 * database, and a database outage leaves the last known list in place.
 */
@Injectable()
export class TrackedSymbolsService implements OnModuleDestroy {
  private readonly logger = new Logger(TrackedSymbolsService.name);
  private active = new Map<string, Date>();
  private readonly listeners: TrackedSymbolsListener[] = [];
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private loaded = false;
  private failing = false;

  constructor(private readonly repository: TrackedSymbolRepository) {}

  onChange(listener: TrackedSymbolsListener): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_INTERVAL_MS);
  }

  isLoaded(): boolean {
    return this.loaded;
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

  async add(symbol: string): Promise<{ addedAt: Date; created: boolean }> {
    const { record, created } = await this.repository.add(symbol);
    await this.refreshAfterWrite();
    return { addedAt: record.addedAt, created };
  }

  async remove(symbol: string): Promise<boolean> {
    const removed = await this.repository.remove(symbol);
    await this.refreshAfterWrite();
    return removed;
  }

  /** Reloads the list; concurrent callers share one query. */
  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** A refresh already in flight may have read the list before our write: wait for it, then read again. */
  private async refreshAfterWrite(): Promise<void> {
    await this.refreshing?.catch(() => undefined);
    await this.refresh().catch(() => undefined);
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async load(): Promise<void> {
    let records;
    try {
      records = await this.repository.listActive();
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(`tracked list not refreshed, keeping the last known one: ${(error as Error).message}`);
      }
      this.failing = true;
      throw error;
    }
    this.failing = false;
    const next = new Map(records.map((record) => [record.symbol, record.addedAt] as const));
    const added = [...next.keys()].filter((symbol) => !this.active.has(symbol));
    const removed = [...this.active.keys()].filter((symbol) => !next.has(symbol));
    this.active = next;
    this.loaded = true;
    if (added.length > 0 || removed.length > 0) {
      for (const listener of this.listeners) {
        listener({ added, removed });
      }
    }
  }
}
