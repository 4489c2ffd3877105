/** A stream supervisor for ownership specs: it streams, in memory, whatever it is asked to. */
export class FakeSupervisor {
  readonly streaming = new Set<string>();
  streamedSymbols = (): string[] => [...this.streaming].sort();
  isStreaming = (symbol: string): boolean => this.streaming.has(symbol);
  symbolState = (symbol: string) => (this.streaming.has(symbol) ? { live: true, since: 0 } : undefined);
  stream = async (symbols: readonly string[]): Promise<void> => symbols.forEach((symbol) => this.streaming.add(symbol));
  unstream = (symbols: readonly string[]): void => symbols.forEach((symbol) => this.streaming.delete(symbol));
}
