import { Logger } from '@nestjs/common';
import { AggTrade, TradeSequencer } from '@binance-rates/domain';
import { AggTradesPager } from '../gaps/agg-trades-pager';
import { BackfillQueue } from '../gaps/backfill-queue';

/** After a check that did not confirm a jump, the symbol's next suspect id is checked no sooner than this. */
const RECHECK_AFTER_MS = 5_000;

/** Id discontinuities by kind: metric label values. */
// A type, not an interface, so it reads as a record of counts by kind (the metrics take it as one).
export type IdDiscontinuityCounts = {
  /** A live id jumped further than time allows (or with a time going backwards): not followed, checked with REST. */
  suspect: number;
  /** REST served the suspect id as it came: the jump was real; the sequence moves on and the range is backfilled. */
  confirmed_jump: number;
  /** REST did not serve it: an outlier, dropped; the symbol keeps following its real ids. */
  outlier: number;
  /** A lower id with a newer time: the symbol's ids started again; followed from the new id. */
  reset: number;
};

/**
 * What the stream supervisor does with the sequencer's discontinuities. A suspect id is never followed on its own:
 * following one outlier would make every real id after it stale and freeze the symbol (its latest price and, once
 * stored, its resume point across restarts). It is dropped and REST is asked for that id, at most one question per
 * symbol at a time and one per RECHECK_AFTER_MS after a check that found nothing (REST trails the stream, so a real
 * jump may need a second look). A reset is followed at once. Each kind is counted and its first case logged.
 */
export class IdJumpCheck {
  private readonly logger = new Logger(IdJumpCheck.name);
  private readonly counts: IdDiscontinuityCounts = { suspect: 0, confirmed_jump: 0, outlier: 0, reset: 0 };
  /** Per symbol: when its next check may start (Infinity while one is under way). */
  private readonly nextCheckAt = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly pager: AggTradesPager,
    private readonly sequencer: TradeSequencer,
    private readonly backfill: BackfillQueue,
  ) {}

  stats(): IdDiscontinuityCounts {
    return { ...this.counts };
  }

  reset(trade: AggTrade, lastId: number): void {
    this.count('reset', `${trade.symbol}: id ${trade.tradeId} at ${trade.tradeTime} after ${lastId}, newer in time; following the new ids`);
  }

  suspect(trade: AggTrade, lastId: number): void {
    this.count('suspect', `${trade.symbol}: id ${trade.tradeId} at ${trade.tradeTime} after ${lastId}; dropped and checked with REST`);
    if (this.stopped || (this.nextCheckAt.get(trade.symbol) ?? 0) > Date.now()) {
      return;
    }
    this.nextCheckAt.set(trade.symbol, Infinity);
    void this.check(trade);
  }

  forget(symbol: string): void {
    this.nextCheckAt.delete(symbol);
  }

  stop(): void {
    this.stopped = true;
  }

  private async check(trade: AggTrade): Promise<void> {
    const { symbol, tradeId, tradeTime } = trade;
    try {
      const [served] = await this.pager.page({ symbol, fromId: tradeId, limit: 1 }, () => this.stopped);
      const lastId = this.sequencer.lastId(symbol);
      if (this.stopped || !this.nextCheckAt.has(symbol) || lastId === undefined || lastId >= tradeId) {
        return;
      }
      if (served?.tradeId === tradeId && served.tradeTime === tradeTime) {
        this.count('confirmed_jump', `${symbol}: REST serves id ${tradeId}; filling ${lastId + 1}..${tradeId}`);
        this.sequencer.resumeFrom(symbol, tradeId, tradeTime);
        this.backfill.push({ kind: 'range', symbol, fromId: lastId + 1, toId: tradeId, reason: 'id jump confirmed by REST' });
      } else {
        this.count('outlier', `${symbol}: REST does not serve id ${tradeId} at ${tradeTime} (it answered ${served ? `${served.tradeId} at ${served.tradeTime}` : 'nothing'})`);
      }
    } catch (error) {
      this.logger.warn(`${symbol}: suspect id ${tradeId} not checked, the next one will be: ${(error as Error).message}`);
    } finally {
      if (this.nextCheckAt.has(symbol)) {
        this.nextCheckAt.set(symbol, Date.now() + RECHECK_AFTER_MS);
      }
    }
  }

  private count(kind: keyof IdDiscontinuityCounts, sample: string): void {
    this.counts[kind] += 1;
    if (this.counts[kind] === 1) {
      this.logger.warn(`id discontinuity (${kind}, logged once per kind, counted in binance_rates_stream_id_discontinuities_total): ${sample}`);
    }
  }
}
