import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { TradeFeedStore } from '@binance-rates/cache';
import { AggTrade } from '@binance-rates/domain';
import { aggTradeEventJson } from '../market/agg-trade.json';
import { LiveDay } from '../market/live-day';
import { LiveKline } from '../market/live-kline';
import { seedDay, seedKline } from '../market/live-seeds';
import { MarketDataService } from '../market/market-data.service';
import { StreamHub } from './stream-hub';
import { ALL_MINI_TICKERS_STREAM, StreamTopic, klineStream, miniTickerStream } from './stream-name';

/**
 * Seeds from the history wait until the feed has been heard this long: the publisher notices a new listener within
 * a second and PostgreSQL holds a trade within a flush (100 ms), so every trade is then either stored or in the feed.
 */
const SEED_AFTER_LISTENING_MS = 1_500;
/** Trades kept per stream while its seed is read; more means the seed is hopelessly slow, and the oldest go. */
const MAX_BUFFERED = 100_000;
const TICK_MS = 1_000;

interface Slot<T> {
  live: T | null;
  buffered: AggTrade[];
}

/**
 * The data behind the streams, from the cluster's trade feed (every instance's live trades, over Redis): `@aggTrade`
 * events as trades arrive, `@kline_<interval>` kept per followed symbol and interval (seeded from the history, then
 * from the feed), the rolling day of `@miniTicker` / `!miniTicker@arr`. The feed is listened to only while some
 * stream needs it, so the publishers skip their work otherwise. Work per trade is done once, whatever the number of
 * clients; the hub fans the result out.
 */
@Injectable()
export class LiveSources implements OnModuleDestroy {
  private readonly logger = new Logger(LiveSources.name);
  private hub: StreamHub | null = null;
  private readonly aggTradeSymbols = new Set<string>();
  /** symbol → kline stream name → its kline. */
  private readonly klines = new Map<string, Map<string, Slot<LiveKline>>>();
  /** symbol → its rolling day, and whether it is followed by name (`@miniTicker`) besides `!miniTicker@arr`. */
  private readonly days = new Map<string, Slot<LiveDay> & { byName: boolean }>();
  private allMiniTickers = false;
  private listeningSince: number | null = null;
  private listening = false;
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;

  constructor(
    private readonly market: MarketDataService,
    private readonly feed: TradeFeedStore,
  ) {
    market.onServedChange(({ added, removed }) => {
      if (this.allMiniTickers) added.forEach((symbol) => this.followDay(symbol, false));
      removed.forEach((symbol) => this.days.get(symbol)?.byName === false && this.days.delete(symbol));
    });
  }

  attach(hub: StreamHub): void {
    this.hub = hub;
  }

  active(topic: StreamTopic): void {
    switch (topic.kind) {
      case 'aggTrade':
        this.aggTradeSymbols.add(topic.symbol);
        break;
      case 'kline': {
        const slot: Slot<LiveKline> = { live: null, buffered: [] };
        const byStream = this.klines.get(topic.symbol) ?? new Map<string, Slot<LiveKline>>();
        byStream.set(klineStream(topic.symbol, topic.interval), slot);
        this.klines.set(topic.symbol, byStream);
        this.seedWhenReady(slot, () => seedKline(this.market, topic.symbol, topic.interval, Date.now()).then(
          (seed) => new LiveKline(topic.symbol, topic.interval, seed),
        ));
        break;
      }
      case 'miniTicker':
        this.followDay(topic.symbol, true);
        break;
      case 'allMiniTickers':
        this.allMiniTickers = true;
        this.market.served().forEach((symbol) => this.followDay(symbol, false));
        break;
      case 'silent':
        return;
    }
    this.updateFeed();
  }

  idle(topic: StreamTopic): void {
    switch (topic.kind) {
      case 'aggTrade':
        this.aggTradeSymbols.delete(topic.symbol);
        break;
      case 'kline': {
        const byStream = this.klines.get(topic.symbol);
        byStream?.delete(klineStream(topic.symbol, topic.interval));
        if (byStream?.size === 0) this.klines.delete(topic.symbol);
        break;
      }
      case 'miniTicker': {
        const day = this.days.get(topic.symbol);
        if (day !== undefined) day.byName = false;
        if (!this.allMiniTickers) this.days.delete(topic.symbol);
        break;
      }
      case 'allMiniTickers':
        this.allMiniTickers = false;
        for (const [symbol, day] of this.days) if (!day.byName) this.days.delete(symbol);
        break;
      case 'silent':
        return;
    }
    this.updateFeed();
  }

  onModuleDestroy(): void {
    this.stopFeed();
  }

  private followDay(symbol: string, byName: boolean): void {
    const existing = this.days.get(symbol);
    if (existing !== undefined) {
      existing.byName ||= byName;
      return;
    }
    const slot = { live: null, buffered: [], byName };
    this.days.set(symbol, slot);
    this.seedWhenReady(slot, () => seedDay(this.market, symbol, Date.now()));
  }

  /** Reads the seed once the feed has been heard long enough, then plays the trades buffered meanwhile onto it. */
  private seedWhenReady<T extends { add(trade: AggTrade, eventTime: number): unknown }>(slot: Slot<T>, seed: () => Promise<T>): void {
    const waitMs = this.listeningSince === null ? SEED_AFTER_LISTENING_MS : Math.max(0, this.listeningSince + SEED_AFTER_LISTENING_MS - Date.now());
    setTimeout(() => {
      seed().then(
        (live) => {
          const now = Date.now();
          for (const trade of slot.buffered) live.add(trade, now);
          slot.buffered = [];
          slot.live = live;
        },
        (error: Error) => {
          this.logger.warn(`stream not seeded from the history, it starts from live trades: ${error.message}`);
          slot.buffered = [];
        },
      );
    }, waitMs).unref();
  }

  private get needsFeed(): boolean {
    return this.aggTradeSymbols.size > 0 || this.klines.size > 0 || this.days.size > 0 || this.allMiniTickers;
  }

  private updateFeed(): void {
    if (this.needsFeed && !this.listening) {
      this.listening = true;
      this.feed.listen(
        (trades) => this.onTrades(trades),
        () => (this.listeningSince ??= Date.now()),
      );
      this.timer = setInterval(() => this.tick(), TICK_MS);
    } else if (!this.needsFeed && this.listening) {
      this.stopFeed();
    }
  }

  private stopFeed(): void {
    this.listening = false;
    this.listeningSince = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    void this.feed.stopListening();
  }

  /** Hot path: one batch of the cluster's live trades. */
  private onTrades(trades: AggTrade[]): void {
    const hub = this.hub;
    if (hub === null) return;
    const now = Date.now();
    for (const trade of trades) {
      if (this.aggTradeSymbols.has(trade.symbol)) {
        hub.publish(`${trade.symbol.toLowerCase()}@aggTrade`, aggTradeEventJson(trade, now));
      }
      const klines = this.klines.get(trade.symbol);
      if (klines !== undefined) {
        for (const [stream, slot] of klines) {
          if (slot.live === null) {
            buffer(slot, trade);
          } else {
            for (const event of slot.live.add(trade, now)) hub.publish(stream, event);
          }
        }
      }
      const day = this.days.get(trade.symbol);
      if (day !== undefined) {
        if (day.live === null) buffer(day, trade);
        else day.live.add(trade);
      }
    }
    hub.endBatch();
  }

  private tick(): void {
    const hub = this.hub;
    if (hub === null) return;
    const now = Date.now();
    this.ticks += 1;
    for (const klines of this.klines.values()) {
      for (const [stream, slot] of klines) {
        if (slot.live === null) continue;
        const pushRunning = slot.live.pushEveryMs === TICK_MS || this.ticks % 2 === 0;
        for (const event of slot.live.tick(now, pushRunning)) hub.publish(stream, event);
      }
    }
    const changed: string[] = [];
    for (const [symbol, day] of this.days) {
      const event = day.live?.tick(now) ?? null;
      if (event === null) continue;
      if (day.byName) hub.publish(miniTickerStream(symbol), event);
      if (this.allMiniTickers) changed.push(event);
    }
    if (changed.length > 0) {
      hub.publish(ALL_MINI_TICKERS_STREAM, `[${changed.join(',')}]`);
    }
    hub.endBatch();
  }
}

function buffer<T>(slot: Slot<T>, trade: AggTrade): void {
  if (slot.buffered.length >= MAX_BUFFERED) slot.buffered.shift();
  slot.buffered.push(trade);
}
