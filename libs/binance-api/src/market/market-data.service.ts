import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { RawExchangeInfoSymbol } from '@binance-rates/binance';
import { AggTrade, Candle, CandleInterval, PricePoint } from '@binance-rates/domain';
import { LatestPriceView, TrackedSymbolsService } from '@binance-rates/ingestion';
import { SymbolListingService, SymbolsService } from '@binance-rates/serving';

/**
 * What the Binance-compatible API serves, read from the service's own state: the tracked symbols are the market,
 * prices come from the in-memory price view (every instance's writes), history and candles from PostgreSQL through
 * the same bounded readers as our own REST API, and each symbol's listing (filters, precisions) from Binance's
 * exchangeInfo, which the service fetches anyway to check new symbols.
 */
@Injectable()
export class MarketDataService {
  private readonly logger = new Logger(MarketDataService.name);
  private readonly autoTrack: boolean;
  /** Symbols an auto-track is on its way for, so a burst of subscriptions asks once. */
  private readonly adding = new Set<string>();

  constructor(
    config: AppConfig,
    private readonly tracked: TrackedSymbolsService,
    private readonly view: LatestPriceView,
    private readonly listing: SymbolListingService,
    private readonly symbols: SymbolsService,
  ) {
    this.autoTrack = config.binanceApi.autoTrack;
  }

  /** A symbol is in our market while it is tracked. */
  isServed(symbol: string): boolean {
    return this.tracked.isActive(symbol);
  }

  /** Every tracked symbol, sorted. */
  served(): readonly string[] {
    return this.tracked.list();
  }

  /** Follows changes of the tracked list (symbols added and removed). */
  onServedChange(listener: (change: { added: readonly string[]; removed: readonly string[] }) => void): void {
    this.tracked.onChange(listener);
  }

  latestPrice(symbol: string): PricePoint | null {
    return this.view.get(symbol);
  }

  /** Binance's listing of these symbols, in their order; one Binance no longer lists is left out. */
  listingOf(symbols: readonly string[]): Promise<RawExchangeInfoSymbol[]> {
    return this.listing.entriesOf(symbols);
  }

  /** Stored trades ascending by id from `fromId` or within the time bounds (both inclusive), at most `limit`. */
  trades(query: { symbol: string; fromId?: number; startTime?: number; endTime?: number; limit: number }): Promise<AggTrade[]> {
    return this.symbols.history(query);
  }

  /**
   * The symbol's newest `limit` stored trades, up to `endTime` when given, ascending. Aggregate ids are consecutive,
   * so the newest are read forwards from the newest id known less twice the limit (room for trades the price view has
   * and PostgreSQL is still writing), and the last `limit` of the page kept.
   */
  async newestTrades({ symbol, endTime, limit }: { symbol: string; endTime?: number; limit: number }): Promise<AggTrade[]> {
    let newestId = this.view.get(symbol)?.tradeId;
    if (endTime !== undefined) {
      const [after] = await this.trades({ symbol, startTime: endTime + 1, limit: 1 });
      newestId = after === undefined ? newestId : after.tradeId - 1;
    }
    if (newestId === undefined) {
      return [];
    }
    const page = await this.trades({ symbol, fromId: Math.max(0, newestId - 2 * limit + 1), endTime, limit: 2 * limit });
    return page.slice(-limit);
  }

  /** Candles of the stored trades, at most `limit` whole intervals (see `candleWindow` for which). */
  candles(query: { symbol: string; interval: CandleInterval; startTime?: number; endTime?: number; limit: number }): Promise<Candle[]> {
    return this.symbols.candles(query);
  }

  /** The time of the symbol's first stored trade at or after `time`; null when none is stored. */
  async firstTradeTimeFrom(symbol: string, time: number): Promise<number | null> {
    const [first] = await this.trades({ symbol, startTime: time, limit: 1 });
    return first === undefined ? null : first.tradeTime;
  }

  /**
   * With BINANCE_API_AUTO_TRACK, a stream of a symbol that is not tracked starts tracking it (checked against Binance's
   * listing like `POST /api/currency`); without it, or when Binance does not list it, the stream stays silent.
   */
  requestTracking(symbol: string): void {
    if (!this.autoTrack || this.tracked.isActive(symbol) || this.adding.has(symbol)) {
      return;
    }
    this.adding.add(symbol);
    this.symbols
      .add(symbol)
      .then(
        () => this.logger.log(`${symbol} tracked: a Binance-protocol stream asked for it (BINANCE_API_AUTO_TRACK)`),
        (error: Error) => this.logger.debug(`${symbol} not auto-tracked: ${error.message}`),
      )
      .finally(() => this.adding.delete(symbol));
  }
}
