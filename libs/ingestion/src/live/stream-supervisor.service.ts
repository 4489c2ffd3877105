import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { BinanceStreamClient, InputQuarantine, StreamClientStatus } from '@binance-rates/binance';
import { AggTrade, TradeSequencer } from '@binance-rates/domain';
import { SinceAddedFill, TrackedSymbolRepository, TradeRepository } from '@binance-rates/storage';
import { AggTradesPager } from '../gaps/agg-trades-pager';
import { BackfillQueue } from '../gaps/backfill-queue';
import { BackfillRunner } from '../gaps/backfill-runner.service';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { WritePipeline } from '../write/write-pipeline.service';
import { IdDiscontinuityCounts, IdJumpCheck } from './id-jump-check';

/** How long a symbol may take to become live after it was added before the stream counts as unhealthy. */
const SUBSCRIBE_GRACE_MS = 5_000;
/** Our clock and Binance's may disagree; a new symbol is fetched from this long before it was added. */
const ADDED_AT_CLOCK_MARGIN_MS = 1_000;
/** After a symbol is live again, wait this long for a live trade to reveal the gap before asking REST. */
const CATCH_UP_DELAY_MS = 1_500;

export interface SymbolStreamState {
  live: boolean;
  /** Epoch ms since the stream is in its current state. */
  since: number;
}

/** The symbols this instance streams, and those not live past their subscribe grace (since when each is not live). */
export interface StreamedSymbolsHealth {
  streamed: number;
  live: number;
  late: Array<{ symbol: string; since: number }>;
}

/**
 * Runs the live path for the symbols this instance streams: Binance stream → sequencer (duplicates ignored, gaps
 * found) → write pipeline; gaps and interruptions go to the backfill queue. The sequencer is shared with the
 * backfill runner, which moves it on as it fills.
 *
 * Protocol steps for one symbol:
 * 1. Before subscribing, resume the sequencer from the last stored trade, if any. A symbol added within the backfill
 *    window whose trades since its addition are not yet marked stored has them fetched: up to the oldest stored trade,
 *    or, with none stored, up to its first live trade.
 * 2. Subscribe. Each live trade is checked against the last id: a jump is a gap, fetched over REST; a duplicate is
 *    counted and dropped; a jump further than time allows is dropped until REST confirms it, and a lower id with a
 *    newer time (the ids started again) is followed from there (IdJumpCheck).
 * 3. When the stream comes back after an interruption (or at startup) and no live trade has revealed the gap
 *    shortly after, fetch from the last id onward over REST: a quiet symbol may still have missed trades.
 */
@Injectable()
export class StreamSupervisor {
  private readonly logger = new Logger(StreamSupervisor.name);
  private readonly states = new Map<string, SymbolStreamState>();
  private readonly catchUpTimers = new Set<NodeJS.Timeout>();
  /** Symbols with no stored trade yet, and when they were added (epoch ms): their first live trade is fetched back to then. */
  private readonly newSince = new Map<string, number>();
  private client: BinanceStreamClient | null = null;
  private readonly idJumps: IdJumpCheck;
  /** Live ids at or below the last one followed: duplicates of a reconnect overlap or a renewal, dropped. */
  private staleIds = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly pipeline: WritePipeline,
    private readonly backfill: BackfillQueue,
    private readonly runner: BackfillRunner,
    private readonly sequencer: TradeSequencer,
    private readonly trades: TradeRepository,
    private readonly tracked: TrackedSymbolsService,
    private readonly trackedRepository: TrackedSymbolRepository,
    pager: AggTradesPager,
    private readonly quarantine: InputQuarantine,
  ) {
    this.idJumps = new IdJumpCheck(pager, sequencer, backfill);
  }

  start(): void {
    const { binance } = this.config;
    this.client = new BinanceStreamClient(
      {
        baseUrl: binance.wsUrl,
        streamsPerConnection: binance.streamsPerConnection,
        timings: { pingAfterIdleMs: binance.pingAfterIdleMs, deadAfterIdleMs: binance.deadAfterIdleMs },
        renewAfterMs: binance.renewAfterMs,
        quarantine: this.quarantine,
      },
      {
        onTrade: (trade) => this.handleTrade(trade),
        onSymbolsLive: (symbols) => this.handleLive(symbols),
        onSymbolsInterrupted: (symbols) => this.handleInterrupted(symbols),
      },
    );
  }

  /** Starts streaming these symbols, resuming each from its last stored trade. */
  async stream(symbols: readonly string[]): Promise<void> {
    const client = this.requireClient();
    const fresh = symbols.filter((symbol) => !client.has(symbol));
    if (fresh.length === 0) {
      return;
    }
    const now = Date.now();
    const windowStart = now - this.config.ingest.backfillWindowMs;
    const [lastStored, unfilled] = await Promise.all([
      this.trades.lastStoredTrades(fresh).catch((error: Error) => {
        this.logger.warn(`last stored trades unknown, gaps before the first live trade will not be found: ${error.message}`);
        return new Map<string, { tradeId: number; tradeTime: number }>();
      }),
      this.trackedRepository.sinceAddedUnfilled(fresh, new Date(windowStart)).catch((error: Error) => {
        this.logger.warn(`not known which new symbols still miss their first trades, fetching them for symbols with none stored: ${error.message}`);
        return null;
      }),
    ]);
    for (const symbol of fresh) {
      const last = lastStored.get(symbol);
      if (last && last.tradeTime >= windowStart) {
        this.sequencer.resumeFrom(symbol, last.tradeId, last.tradeTime);
      } else if (last) {
        void this.runner.catchUpFrom(symbol, last);
      }
      const fill = unfilled === null ? this.assumedSinceAddedFill(symbol, last !== undefined, windowStart) : unfilled.get(symbol);
      const firstStoredId = fill?.firstStoredId ?? null;
      if (fill && firstStoredId === null) {
        this.newSince.set(symbol, fill.addedAt.getTime());
      } else if (fill && firstStoredId !== null) {
        // An earlier owner stored live trades but had not yet stored the ones since the symbol was added.
        this.requestSinceAdded(symbol, fill.addedAt.getTime(), firstStoredId - 1);
      }
      this.states.set(symbol, { live: false, since: now });
      client.add(symbol);
    }
  }

  unstream(symbols: readonly string[]): void {
    const client = this.requireClient();
    for (const symbol of symbols) {
      client.remove(symbol);
      this.sequencer.forget(symbol);
      this.idJumps.forget(symbol);
      this.states.delete(symbol);
      this.newSince.delete(symbol);
    }
  }

  streamedSymbols(): string[] {
    return this.client?.symbols() ?? [];
  }

  isStreaming(symbol: string): boolean {
    return this.client?.has(symbol) ?? false;
  }

  symbolState(symbol: string): SymbolStreamState | undefined {
    return this.states.get(symbol);
  }

  /** Healthy when every symbol is live, apart from ones still inside their subscribe grace period. */
  isHealthy(): boolean {
    const now = Date.now();
    for (const state of this.states.values()) {
      if (!state.live && now - state.since > SUBSCRIBE_GRACE_MS) {
        return false;
      }
    }
    return true;
  }

  /** For readiness: how many of the symbols streamed here are live, and which are late (past the subscribe grace). */
  streamedHealth(): StreamedSymbolsHealth {
    const now = Date.now();
    const late: StreamedSymbolsHealth['late'] = [];
    let live = 0;
    for (const [symbol, state] of this.states) {
      if (state.live) {
        live += 1;
      } else if (now - state.since > SUBSCRIBE_GRACE_MS) {
        late.push({ symbol, since: state.since });
      }
    }
    return { streamed: this.states.size, live, late };
  }

  status(): StreamClientStatus | null {
    return this.client?.status() ?? null;
  }

  /** Live ids dropped as duplicates, and the id discontinuities met, by kind. */
  idStats(): { staleIds: number; discontinuities: IdDiscontinuityCounts } {
    return { staleIds: this.staleIds, discontinuities: this.idJumps.stats() };
  }

  /** Unsubscribes every symbol and closes the connections. */
  stop(): void {
    for (const timer of this.catchUpTimers) clearTimeout(timer);
    this.idJumps.stop();
    if (this.client) {
      this.unstream(this.client.symbols());
      this.client.stop();
    }
  }

  private requireClient(): BinanceStreamClient {
    if (!this.client) {
      throw new Error('StreamSupervisor.start() was not called');
    }
    return this.client;
  }

  private handleTrade(trade: AggTrade): void {
    const verdict = this.sequencer.observe(trade.symbol, trade.tradeId, trade.tradeTime);
    if (verdict.kind === 'stale') {
      if (this.staleIds++ === 0) {
        this.logger.log(`duplicate live id ${trade.symbol}#${trade.tradeId} dropped (expected around reconnects; counted, logged once)`);
      }
      return;
    }
    if (verdict.kind === 'suspect') {
      this.idJumps.suspect(trade, verdict.lastId);
      return;
    }
    if (verdict.kind === 'reset') {
      this.idJumps.reset(trade, verdict.lastId);
    }
    if (verdict.kind === 'first') {
      const addedAt = this.newSince.get(trade.symbol);
      if (addedAt !== undefined) {
        this.newSince.delete(trade.symbol);
        this.requestSinceAdded(trade.symbol, addedAt, trade.tradeId - 1);
      }
    }
    if (verdict.kind === 'gap') {
      this.backfill.push({
        kind: 'range',
        symbol: trade.symbol,
        fromId: verdict.missing.fromId,
        toId: verdict.missing.toId,
        reason: 'gap in live stream',
      });
    }
    this.pipeline.accept(trade);
  }

  /** Without PostgreSQL's answer, a symbol added within the window with nothing stored is taken to miss its first trades. */
  private assumedSinceAddedFill(symbol: string, anyStored: boolean, windowStart: number): SinceAddedFill | undefined {
    const addedAt = this.tracked.addedAt(symbol);
    return !anyStored && addedAt !== undefined && addedAt.getTime() >= windowStart ? { symbol, addedAt, firstStoredId: null } : undefined;
  }

  /** Fetches a new symbol's trades from when it was added up to `toId`; once stored, the symbol is marked filled. */
  private requestSinceAdded(symbol: string, addedAt: number, toId: number): void {
    this.backfill.push({
      kind: 'since-added',
      symbol,
      fromTime: addedAt - ADDED_AT_CLOCK_MARGIN_MS,
      addedAt,
      toId,
      reason: 'trades since the symbol was added',
    });
  }

  private handleLive(symbols: readonly string[]): void {
    const now = Date.now();
    for (const symbol of symbols) {
      const state = this.states.get(symbol);
      if (!state || state.live) {
        continue;
      }
      this.states.set(symbol, { live: true, since: now });
      const lastId = this.sequencer.lastId(symbol);
      if (lastId !== undefined) {
        this.scheduleCatchUp(symbol, lastId);
      }
    }
  }

  private handleInterrupted(symbols: readonly string[]): void {
    const now = Date.now();
    for (const symbol of symbols) {
      if (this.states.has(symbol)) {
        this.states.set(symbol, { live: false, since: now });
      }
    }
  }

  private scheduleCatchUp(symbol: string, lastId: number): void {
    const timer = setTimeout(() => {
      this.catchUpTimers.delete(timer);
      const current = this.sequencer.lastId(symbol);
      if (!this.isStreaming(symbol) || (current !== undefined && current > lastId)) {
        return;
      }
      this.backfill.push({ kind: 'range', symbol, fromId: lastId + 1, toId: null, reason: 'catch up after the stream resumed' });
    }, CATCH_UP_DELAY_MS);
    this.catchUpTimers.add(timer);
  }
}
