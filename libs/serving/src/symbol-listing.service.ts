import { Injectable } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { BinanceRestClient, RawExchangeInfoSymbol } from '@binance-rates/binance';
import { ExchangeUnavailableError, SymbolNotTradingError, UnknownSymbolError } from './serving.errors';

/** A symbol missing from a listing this fresh is unknown; an older listing is fetched again first. */
const RECHECK_UNKNOWN_AFTER_MS = 5_000;

/**
 * Answers "can this symbol be tracked?" and "what does Binance list for it?" from Binance's whole exchangeInfo,
 * fetched once and reused for its TTL: adding 2,000 symbols costs one request of weight 20, not 2,000 of them.
 */
@Injectable()
export class SymbolListingService {
  private entries = new Map<string, RawExchangeInfoSymbol>();
  private fetchedAt = 0;
  private fetching: Promise<void> | null = null;
  private readonly ttlMs: number;

  constructor(
    config: AppConfig,
    private readonly rest: BinanceRestClient,
  ) {
    this.ttlMs = config.binance.exchangeInfoTtlMs;
  }

  /** Resolves when the symbol is listed and TRADING; throws a ServingError otherwise. */
  async assertTradable(symbol: string): Promise<void> {
    const age = Date.now() - this.fetchedAt;
    if (age >= this.ttlMs || (!this.entries.has(symbol) && age >= RECHECK_UNKNOWN_AFTER_MS)) {
      await this.refresh();
    }
    const status = this.entries.get(symbol)?.status;
    if (status === undefined) {
      throw new UnknownSymbolError(symbol);
    }
    if (status !== 'TRADING') {
      throw new SymbolNotTradingError(symbol, status);
    }
  }

  /**
   * Binance's exchangeInfo entries of these symbols, in their order (a symbol Binance does not list is left out).
   * Refreshed once the listing is older than its TTL; if Binance cannot be asked then, the last listing is served,
   * and only with none at all does it throw ExchangeUnavailableError.
   */
  async entriesOf(symbols: readonly string[]): Promise<RawExchangeInfoSymbol[]> {
    if (Date.now() - this.fetchedAt >= this.ttlMs) {
      await this.refresh().catch((error: Error) => {
        if (this.fetchedAt === 0) throw error;
      });
    }
    const entries: RawExchangeInfoSymbol[] = [];
    for (const symbol of symbols) {
      const entry = this.entries.get(symbol);
      if (entry !== undefined) entries.push(entry);
    }
    return entries;
  }

  private refresh(): Promise<void> {
    this.fetching ??= this.rest
      .exchangeInfo()
      .then(
        (symbols) => {
          this.entries = new Map(symbols.map((entry) => [entry.symbol, entry]));
          this.fetchedAt = Date.now();
        },
        (error: Error) => {
          throw new ExchangeUnavailableError(error.message);
        },
      )
      .finally(() => {
        this.fetching = null;
      });
    return this.fetching;
  }
}
