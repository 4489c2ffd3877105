/**
 * Which tracked symbols nobody has held a lease on for at least `graceMs`: their owner is gone without a successor,
 * so whoever is below its share adopts them. Pure: the caller passes what Redis said and the time.
 */
export class OrphanWatch {
  private readonly freeSince = new Map<string, number>();

  constructor(private readonly graceMs: number) {}

  /** Notes which of `tracked` are leased now and returns the ones free for the whole grace period. */
  observe(tracked: readonly string[], leased: ReadonlySet<string>, now: number): Set<string> {
    const orphaned = new Set<string>();
    const trackedNow = new Set(tracked);
    for (const symbol of tracked) {
      if (leased.has(symbol)) {
        this.freeSince.delete(symbol);
        continue;
      }
      const since = this.freeSince.get(symbol) ?? now;
      this.freeSince.set(symbol, since);
      if (now - since >= this.graceMs) {
        orphaned.add(symbol);
      }
    }
    for (const symbol of this.freeSince.keys()) {
      if (!trackedNow.has(symbol)) this.freeSince.delete(symbol);
    }
    return orphaned;
  }

  /** This instance took the symbol's lease. */
  taken(symbol: string): void {
    this.freeSince.delete(symbol);
  }
}
