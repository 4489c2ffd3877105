/**
 * Coalesces writes that arrive while one is on its way: whatever was submitted meanwhile goes out together in the next
 * batch, so a burst of N small writes costs a few round trips instead of N. One batch in flight at a time; a batch
 * that fails fails each of its items.
 */
export class WriteBatcher<Item, Result> {
  private readonly waiting: Array<{ item: Item; settle: (result: Result) => void; fail: (error: Error) => void }> = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly write: (items: Item[]) => Promise<Result[]>,
    private readonly maxBatch: number,
  ) {}

  /** True when nothing is waiting or being written. */
  get idle(): boolean {
    return this.running === null;
  }

  submit(item: Item): Promise<Result> {
    return new Promise((settle, fail) => {
      this.waiting.push({ item, settle, fail });
      this.run();
    });
  }

  /** Settles once everything submitted so far is written or failed. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private run(): void {
    if (this.running) {
      return;
    }
    this.running = (async () => {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          const results = await this.write(batch.map((entry) => entry.item));
          batch.forEach((entry, index) => entry.settle(results[index]));
        } catch (error) {
          batch.forEach((entry) => entry.fail(error as Error));
        }
      }
    })().finally(() => {
      this.running = null;
      // Submitted after the loop saw nothing waiting but before this callback ran (a continuation of the batch just
      // settled, say): it starts the next loop rather than waiting for a submit that may never come.
      if (this.waiting.length > 0) {
        this.run();
      }
    });
  }
}
