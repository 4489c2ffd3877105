import { PricePoint } from '@binance-rates/domain';

export interface PriceChanges {
  /** The newest price of each followed symbol that moved since the last call, at most one per symbol. */
  prices: PricePoint[];
  /** Followed symbols that are no longer tracked; they are not followed any more. */
  removed: string[];
}

/** The tracked symbols as a subscription asks about them. */
export interface TrackedSymbols {
  isActive(symbol: string): boolean;
  list(): readonly string[];
}

/**
 * What one live-push client follows and has been sent. Pure: the caller passes the tracked list and the price
 * lookup, so a whole round costs one map lookup per followed symbol, however many trades arrived meanwhile.
 */
export class PriceSubscription {
  private readonly sentIds = new Map<string, number>();
  private readonly symbols: Set<string> | null;

  /** `symbols` null: every tracked symbol, including ones added later. */
  constructor(symbols: readonly string[] | null) {
    this.symbols = symbols === null ? null : new Set(symbols);
  }

  changes(tracked: TrackedSymbols, priceOf: (symbol: string) => PricePoint | null): PriceChanges {
    const removed: string[] = [];
    if (this.symbols === null) {
      for (const symbol of this.sentIds.keys()) {
        if (!tracked.isActive(symbol)) removed.push(symbol);
      }
    } else {
      for (const symbol of this.symbols) {
        if (!tracked.isActive(symbol)) removed.push(symbol);
      }
    }
    for (const symbol of removed) {
      this.symbols?.delete(symbol);
      this.sentIds.delete(symbol);
    }
    const prices: PricePoint[] = [];
    for (const symbol of this.symbols ?? tracked.list()) {
      const price = priceOf(symbol);
      if (price !== null && price.tradeId > (this.sentIds.get(symbol) ?? -1)) {
        this.sentIds.set(symbol, price.tradeId);
        prices.push(price);
      }
    }
    return { prices, removed };
  }

  /** How many symbols it follows by name, or null when it follows every tracked symbol. */
  get followedByName(): number | null {
    return this.symbols === null ? null : this.symbols.size;
  }

  /** True once every symbol it followed by name is gone (a subscription to every symbol never ends this way). */
  get exhausted(): boolean {
    return this.symbols !== null && this.symbols.size === 0;
  }
}
