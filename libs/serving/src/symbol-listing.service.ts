import { Injectable } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { BinanceRestClient, RawExchangeInfoSymbol } from '@binance-rates/binance';
import { ExchangeUnavailableError, SymbolNotTradingError, UnknownSymbolError } from './serving.errors';

/** A symbol Binance lists, with its status (only `TRADING` ones can be tracked) and its two assets. */
export interface ListedSymbol {
  symbol: string;
  status: string;
  baseAsset: string;
  quoteAsset: string;
}

/** A symbol missing from a listing this fresh is unknown; an older listing is fetched again first. */
const RECHECK_UNKNOWN_AFTER_MS = 5_000;

/**
 * Answers "can this symbol be tracked?" and "what does Binance list for it?" from Binance's whole exchangeInfo,
 * fetched once and reused for its TTL: adding 2,000 symbols costs one request of weight 20, not 2,000 of them. The same
 * listing answers searches for symbols to add.
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
    await this.fresh();
    const entries: RawExchangeInfoSymbol[] = [];
    for (const symbol of symbols) {
      const entry = this.entries.get(symbol);
      if (entry !== undefined) entries.push(entry);
    }
    return entries;
  }

  /** Listed symbols matching `prefix` (upper case), ranked by rankListed; served like entriesOf. */
  async search({ prefix, limit }: { prefix: string; limit: number }): Promise<ListedSymbol[]> {
    await this.fresh();
    return rankListed({ listed: [...this.entries.values()].map(toListedSymbol), prefix, limit });
  }

  /** Refreshes a listing older than its TTL; keeps serving the last one if Binance cannot be asked, throws with none. */
  private async fresh(): Promise<void> {
    if (Date.now() - this.fetchedAt >= this.ttlMs) {
      await this.refresh().catch((error: Error) => {
        if (this.fetchedAt === 0) throw error;
      });
    }
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

/** Names starting with `prefix` before names only containing it; within each, TRADING first, then by name. */
export function rankListed({ listed, prefix, limit }: { listed: readonly ListedSymbol[]; prefix: string; limit: number }): ListedSymbol[] {
  const starting = listed.filter((entry) => entry.symbol.startsWith(prefix));
  const containing = listed.filter((entry) => !entry.symbol.startsWith(prefix) && entry.symbol.includes(prefix));
  const tradingFirst = (a: ListedSymbol, b: ListedSymbol) =>
    Number(b.status === 'TRADING') - Number(a.status === 'TRADING') || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);
  return [...starting.sort(tradingFirst), ...containing.sort(tradingFirst)].slice(0, limit);
}

/** Only the fields the API shows: Binance's entries carry filters and permissions too. */
function toListedSymbol({ symbol, status, baseAsset, quoteAsset }: RawExchangeInfoSymbol): ListedSymbol {
  return { symbol, status, baseAsset, quoteAsset };
}
