import { Injectable } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { BinanceRestClient } from '@binance-rates/binance';
import { ExchangeUnavailableError, SymbolNotTradingError, UnknownSymbolError } from './serving.errors';

/** A symbol missing from a listing this fresh is unknown; an older listing is fetched again first. */
const RECHECK_UNKNOWN_AFTER_MS = 5_000;

/**
 * Answers "can this symbol be tracked?" from Binance's whole exchangeInfo, fetched once and reused for its TTL:
 * adding 2,000 symbols costs one request of weight 20, not 2,000 of them.
 */
@Injectable()
export class SymbolListingService {
  private statuses = new Map<string, string>();
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
    if (age >= this.ttlMs || (!this.statuses.has(symbol) && age >= RECHECK_UNKNOWN_AFTER_MS)) {
      await this.refresh();
    }
    const status = this.statuses.get(symbol);
    if (status === undefined) {
      throw new UnknownSymbolError(symbol);
    }
    if (status !== 'TRADING') {
      throw new SymbolNotTradingError(symbol, status);
    }
  }

  private refresh(): Promise<void> {
    this.fetching ??= this.rest
      .exchangeInfo()
      .then(
        (symbols) => {
          this.statuses = new Map(symbols.map((entry) => [entry.symbol, entry.status]));
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
