import { Injectable } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { BinanceRestClient } from '@binance-rates/binance';
import { ExchangeUnavailableError, SymbolNotTradingError, UnknownSymbolError } from './currency.errors';

interface Listing {
  status: string | null;
  fetchedAt: number;
}

/** Answers "can this symbol be tracked?" from Binance's exchangeInfo, cached so that repeated adds cost nothing. */
@Injectable()
export class SymbolListingService {
  private readonly cache = new Map<string, Listing>();
  private readonly ttlMs: number;

  constructor(
    config: AppConfig,
    private readonly rest: BinanceRestClient,
  ) {
    this.ttlMs = config.binance.exchangeInfoTtlMs;
  }

  /** Resolves when the symbol is listed and TRADING; throws a CurrencyError otherwise. */
  async assertTradable(symbol: string): Promise<void> {
    const status = await this.status(symbol);
    if (status === null) {
      throw new UnknownSymbolError(symbol);
    }
    if (status !== 'TRADING') {
      throw new SymbolNotTradingError(symbol, status);
    }
  }

  private async status(symbol: string): Promise<string | null> {
    const cached = this.cache.get(symbol);
    if (cached && Date.now() - cached.fetchedAt < this.ttlMs) {
      return cached.status;
    }
    let entry;
    try {
      entry = await this.rest.exchangeInfoSymbol(symbol);
    } catch (error) {
      throw new ExchangeUnavailableError((error as Error).message);
    }
    const status = entry?.status ?? null;
    this.cache.set(symbol, { status, fetchedAt: Date.now() });
    return status;
  }
}
