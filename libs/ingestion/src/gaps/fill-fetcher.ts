import { AGG_TRADES_PAGE_LIMIT } from '@binance-rates/binance';
import { AggTrade, TradeSequencer } from '@binance-rates/domain';
import { WritePipeline } from '../write/write-pipeline.service';
import { AggTradesPager } from './agg-trades-pager';
import { QueuedFill } from './backfill-job';
import { recordWhenFound } from './backfill-queue';
import { GapLedger } from './gap-ledger.service';

/** Pauses between asks while REST ends short of a fill's target: a few quick ones, then every 2 s. */
const FIRST_PAUSE_MS = 200;
const MAX_PAUSE_MS = 2_000;

/**
 * How the pages of one fill ended. `from` is the first id not held for history; null while a new symbol's fill, known
 * by time, has no id yet.
 * - `reached`: every trade up to the target id (or, for a fill to the present, up to REST's newest) is held.
 * - `short`: REST stayed short of the target id for the whole wait, or the history buffer was full.
 * - `stopped`: the instance is stopping; `failed`: REST refused or failed after the pager's retries.
 */
export type FillFetchOutcome =
  | { kind: 'reached' }
  | { kind: 'short'; from: number | null; why: string }
  | { kind: 'stopped'; from: number | null }
  | { kind: 'failed'; from: number | null; why: string };

export interface FillFetcherParams {
  pager: AggTradesPager;
  pipeline: WritePipeline;
  sequencer: TradeSequencer;
  ledger: GapLedger;
  /** How long a fill asks again while REST ends short of its target id. */
  waitForRestMs: number;
}

/**
 * Walks the REST `aggTrades` pages of one fill into the write pipeline: by `fromId` a page at a time, or, for a new
 * symbol's fill known only by time, by `startTime` until the first page gives it ids. Binance's REST trails its
 * stream, so a page that ends short of the target id means "not yet": it asks again after a pause, for up to
 * `waitForRestMs` after the fill was queued. A fill to the present ends at its first short page (the sequencer finds
 * what comes after). Each page moves the shared sequencer over the ids it fetched.
 */
export class FillFetcher {
  private held = 0;
  private stopping = false;
  private endPause: (() => void) | null = null;

  constructor(private readonly params: FillFetcherParams) {}

  /** Trades fetched and held for history since the start; none the history buffer could not hold. */
  get heldTrades(): number {
    return this.held;
  }

  /** The fill being fetched stops at its next page, and at once if it is pausing for REST. */
  stop(): void {
    this.stopping = true;
    this.endPause?.();
  }

  async fetch(fill: QueuedFill): Promise<FillFetchOutcome> {
    const { job } = fill;
    const { pager, pipeline, sequencer } = this.params;
    const toId = job.toId;
    let cursor: number | null = job.kind === 'since-added' ? null : job.fromId;
    const waitUntil = fill.queuedAt + this.params.waitForRestMs;
    let pauseMs = FIRST_PAUSE_MS;
    try {
      for (;;) {
        if (toId !== null && cursor !== null && cursor > toId) {
          return { kind: 'reached' };
        }
        if (this.stopping) {
          return { kind: 'stopped', from: cursor };
        }
        const remaining = toId !== null && cursor !== null ? toId - cursor + 1 : AGG_TRADES_PAGE_LIMIT;
        const limit = Math.min(AGG_TRADES_PAGE_LIMIT, remaining);
        const page = await pager.page(
          cursor === null ? { symbol: job.symbol, startTime: startTimeOf(fill), limit } : { symbol: job.symbol, fromId: cursor, limit },
          () => this.stopping,
        );
        const wanted: AggTrade[] = toId === null ? page : page.filter((trade) => trade.tradeId <= toId);
        if (cursor === null && wanted.length > 0 && fill.recorded === undefined) {
          // A new symbol's range was known only by time; from its first page on it has ids, so it is recorded too.
          recordWhenFound(this.params.ledger, fill, wanted[0].tradeId);
        }
        if (wanted.length > 0) {
          const taken = pipeline.acceptMany(wanted);
          const newest = wanted[wanted.length - 1];
          sequencer.resumeFrom(job.symbol, newest.tradeId, newest.tradeTime);
          if (taken > 0) {
            fill.accepted = { fromId: fill.accepted?.fromId ?? wanted[0].tradeId, toId: wanted[taken - 1].tradeId };
            this.held += taken;
            cursor = wanted[taken - 1].tradeId + 1;
            this.checkpointOnceStored(fill, cursor);
          }
          if (taken < wanted.length) {
            return { kind: 'short', from: wanted[taken].tradeId, why: 'the history buffer is full' };
          }
        }
        if (page.length === limit && wanted.length === limit) {
          continue;
        }
        if (toId === null || page.length > wanted.length || (cursor === null && (await this.servedBeyond(fill, toId)))) {
          // To the present: REST's newest is reached. Past the target: nothing more can come below it.
          return { kind: 'reached' };
        }
        const left = waitUntil - Date.now();
        if (left <= 0) {
          return { kind: 'short', from: cursor, why: `REST still ends short of id ${toId} ${this.params.waitForRestMs} ms after the fill was queued` };
        }
        await this.pause(Math.min(pauseMs, left));
        pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
      }
    } catch (error) {
      return { kind: 'failed', from: cursor, why: (error as Error).message };
    }
  }

  /**
   * Once the trades held so far are stored, the fill's gap starts at `next`: an instance killed mid-fill leaves only
   * the rest to its next owner, and the gap stays claimed while this one works on it. Lanes store in order, so
   * `whenStored` settling true covers every page held up to now.
   */
  private checkpointOnceStored(fill: QueuedFill, next: number): void {
    const { pipeline, ledger } = this.params;
    void Promise.all([fill.recorded, pipeline.whenStored(fill.job.symbol)]).then(async ([, stored]) => {
      if (stored && fill.gapId !== undefined) await ledger.checkpoint(fill.gapId, next);
    });
  }

  /**
   * Whether REST already serves the trade after `toId`. A new symbol's empty page by time is then final (nothing traded
   * between its addition and `toId`); otherwise REST has not caught up yet.
   */
  private async servedBeyond({ job }: QueuedFill, toId: number): Promise<boolean> {
    const next = await this.params.pager.page({ symbol: job.symbol, fromId: toId + 1, limit: 1 }, () => this.stopping);
    return next.length > 0;
  }

  private async pause(ms: number): Promise<void> {
    if (this.stopping) {
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.endPause = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.endPause = null;
  }
}

export function startTimeOf({ job }: QueuedFill): number {
  return job.kind === 'since-added' ? job.fromTime : Date.now();
}
