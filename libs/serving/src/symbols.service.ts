import { Injectable } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { LatestPriceStore } from '@binance-rates/cache';
import { AggTrade, Candle, CandleInterval, PricePoint, candleWindow } from '@binance-rates/domain';
import { CandleRepository, StatementTimeoutError, OpenTradeGap, TradeGapRepository, TradeRepository } from '@binance-rates/storage';
import { LatestPriceView, StreamStatusView, TrackedSymbolsService } from '@binance-rates/ingestion';
import { ConcurrencyGate } from './concurrency-gate';
import { CandlesBusyError, CandlesWindowTooLargeError, HistoryReadsBusyError, SymbolNeverTrackedError, SymbolNotTrackedError } from './serving.errors';
import { SymbolListingService } from './symbol-listing.service';

export interface SymbolView {
  symbol: string;
  addedAt: Date;
  price: PricePoint | null;
  /** null when another instance streams the symbol and this one cannot tell. */
  streamLive: boolean | null;
}

export interface SymbolTradesQuery {
  symbol: string;
  fromId?: number;
  startTime?: number;
  endTime?: number;
  limit: number;
}

export interface SymbolCandlesQuery {
  symbol: string;
  /** By name (UTC), or in a time zone (Binance's klines `timeZone`). */
  interval: CandleInterval;
  startTime?: number;
  endTime?: number;
  limit: number;
}

/** Candles queries that may wait for a free slot on one instance; more are refused with CandlesBusyError. */
const MAX_WAITING_CANDLE_QUERIES = 32;
/**
 * Trade pages and gap lists that may wait for a free slot; more are refused with HistoryReadsBusyError. More than
 * candles: a page takes about a millisecond, so 64 waiting clear in tens of milliseconds.
 */
const MAX_WAITING_HISTORY_READS = 64;

/** The use cases behind the REST API: which symbols are tracked, their latest prices and their history. */
@Injectable()
export class SymbolsService {
  /**
   * Candles read stored rollups (1s candles: the window's trades): a few at a time, so reads never take the
   * connections history writes need.
   */
  private readonly candleQueries: ConcurrencyGate;
  /**
   * Trade pages and gap lists, apart from candles so that slow aggregations never hold quick pages up. With the
   * candles gate and the history writers it leaves PostgreSQL connections for everything else (libs/config checks).
   */
  private readonly historyReads: ConcurrencyGate;

  constructor(
    private readonly config: AppConfig,
    private readonly tracked: TrackedSymbolsService,
    private readonly listing: SymbolListingService,
    private readonly prices: LatestPriceStore,
    private readonly trades: TradeRepository,
    private readonly streamStatus: StreamStatusView,
    private readonly view: LatestPriceView,
    private readonly gaps: TradeGapRepository,
    private readonly candleHistory: CandleRepository,
  ) {
    this.candleQueries = new ConcurrencyGate(config.candles.concurrency, MAX_WAITING_CANDLE_QUERIES, () => new CandlesBusyError());
    this.historyReads = new ConcurrencyGate(config.historyReads.concurrency, MAX_WAITING_HISTORY_READS, () => new HistoryReadsBusyError());
  }

  async add(symbol: string): Promise<{ view: SymbolView; created: boolean }> {
    if (!this.tracked.isActive(symbol)) {
      await this.listing.assertTradable(symbol);
    }
    const { addedAt, created } = await this.tracked.add(symbol);
    if (created) {
      // Added back soon after a removal: its prices are stored again at once. Should Redis not answer, they are only
      // refused until the removal's hold ends, so the add does not fail for it.
      await this.prices.readmit(symbol).catch(() => undefined);
    }
    const price = this.view.get(symbol);
    return { view: { symbol, addedAt, price, streamLive: this.streamLive(symbol) }, created };
  }

  async remove(symbol: string): Promise<void> {
    if (!(await this.tracked.remove(symbol))) {
      throw new SymbolNotTrackedError(symbol);
    }
    this.view.forget(symbol);
    await this.prices.delete(symbol);
  }

  /** Served from memory: no database or Redis round trip on the read path. */
  get(symbol: string): SymbolView {
    const addedAt = this.tracked.addedAt(symbol);
    if (!addedAt) {
      throw new SymbolNotTrackedError(symbol);
    }
    return { symbol, addedAt, price: this.view.get(symbol), streamLive: this.streamLive(symbol) };
  }

  list(): SymbolView[] {
    return this.tracked.list().map((symbol) => ({
      symbol,
      addedAt: this.tracked.addedAt(symbol) as Date,
      price: this.view.get(symbol),
      streamLive: this.streamLive(symbol),
    }));
  }

  /** The check for a symbol no longer tracked asks PostgreSQL too, so it runs inside the gate. */
  history(query: SymbolTradesQuery): Promise<AggTrade[]> {
    return this.historyReads.run(async () => {
      await this.assertEverTracked(query.symbol);
      return this.trades.findTrades(query);
    });
  }

  /** Candles of the stored history, at most `limit` whole intervals (see candleWindow for which). */
  async candles({ symbol, interval, startTime, endTime, limit }: SymbolCandlesQuery): Promise<Candle[]> {
    const { timeoutMs } = this.config.candles;
    try {
      return await this.candleQueries.run(async () => {
        await this.assertEverTracked(symbol);
        const window = candleWindow({ interval, limit, startTime, endTime, now: Date.now() });
        return this.candleHistory.findCandles({ symbol, interval, ...window, timeoutMs });
      });
    } catch (error) {
      throw error instanceof StatementTimeoutError ? new CandlesWindowTooLargeError(timeoutMs) : error;
    }
  }

  /** Id ranges of the symbol's history that could not be filled yet and are being retried. */
  openGaps(symbol: string): Promise<OpenTradeGap[]> {
    return this.historyReads.run(async () => {
      await this.assertEverTracked(symbol);
      return this.gaps.listOpen(symbol);
    });
  }

  /** History stays readable after a symbol is removed; a symbol never tracked has none. */
  private async assertEverTracked(symbol: string): Promise<void> {
    if (!this.tracked.isActive(symbol) && !(await this.tracked.wasEverTracked(symbol))) {
      throw new SymbolNeverTrackedError(symbol);
    }
  }

  private streamLive(symbol: string): boolean | null {
    return this.streamStatus.streamLive(symbol);
  }
}
