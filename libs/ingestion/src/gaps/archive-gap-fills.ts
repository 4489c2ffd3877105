import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { archiveFileKey, dayOf, dayText, planArchiveFiles } from '@binance-rates/binance';
import { ArchiveImportRepository, HistoryCoverageRepository, type TradeGapRecord, TradeGapRepository } from '@binance-rates/storage';
import { planArchiveGapFill } from './archive-gap-plan';
import { GapLedger } from './gap-ledger.service';

/**
 * Hands long, old gaps to the archive (see planArchiveGapFill). The sweep asks `take` for every gap it claims:
 * - a gap whose archive import ended `done` with no file missing is resolved, once the stored history holds every one
 *   of its ids (counted from the stored rows, not assumed from the import's status);
 * - a gap that had an import otherwise (failed, cancelled, a day missing, ids still missing) is REST's: one import
 *   per gap (`archive_import.gap_id` is unique), so a gap the archive cannot fill never loops back to it;
 * - a gap the plan gives the archive gets its import (queued for whichever instance runs imports), and one whose last
 *   day is not published yet is postponed until it is.
 * While its import is queued or running the gap is not claimed at all (TradeGapRepository.claimDue); it is due
 * meanwhile, so the first sweep after that import ends comes back here.
 */
@Injectable()
export class ArchiveGapFills {
  private readonly logger = new Logger(ArchiveGapFills.name);
  private readonly windowMs: number;
  private readonly minTrades: number;

  constructor(
    config: AppConfig,
    private readonly imports: ArchiveImportRepository,
    private readonly coverage: HistoryCoverageRepository,
    private readonly ledger: GapLedger,
    private readonly gaps: TradeGapRepository,
  ) {
    this.windowMs = config.ingest.backfillWindowMs;
    this.minTrades = config.ingest.backfillArchiveMinTrades;
  }

  /** True when the archive has taken the claimed gap (or resolved it): the backfill leaves it alone then. */
  async take(gap: TradeGapRecord, now = Date.now()): Promise<boolean> {
    if (gap.toId === null || gap.toId - gap.fromId + 1 < this.minTrades) {
      return false;
    }
    const range = { symbol: gap.symbol, fromId: gap.fromId, toId: gap.toId };
    const earlier = await this.imports.findByGap(gap.id);
    if (earlier !== null) {
      if (earlier.status !== 'done' || earlier.missingFiles.length > 0) {
        return false;
      }
      const stored = await this.coverage.storedCount(range);
      if (stored < gap.toId - gap.fromId + 1) {
        this.logger.warn(`gap ${gap.symbol} ${gap.fromId}..${gap.toId}: import ${earlier.id} left ${gap.toId - gap.fromId + 1 - stored} ids missing, REST fills them`);
        return false;
      }
      await this.ledger.resolveFilled({ gapId: gap.id, stored: range });
      this.logger.log(`gap ${gap.symbol} ${gap.fromId}..${gap.toId} filled by import ${earlier.id}`);
      return true;
    }
    const plan = planArchiveGapFill({ gap, neighbours: await this.coverage.neighbours(range), windowMs: this.windowMs, minTrades: this.minTrades, now });
    if (plan.kind === 'rest') {
      return false;
    }
    if (plan.kind === 'wait') {
      await this.ledger.recordAttempt({ ...range, reason: gap.reason, gapId: gap.id }, 'waiting for its last day in the archive', plan.until);
      return true;
    }
    const files = planArchiveFiles({ symbol: gap.symbol, fromDay: plan.fromDay, toDay: plan.toDay, today: dayOf(now) }).map(archiveFileKey);
    const created = await this.imports.createForGap({ symbol: gap.symbol, fromDay: dayText(plan.fromDay), toDay: dayText(plan.toDay), files, gapId: gap.id });
    if (created !== null) {
      // Not claimed while its import runs; due the moment that ends, so the next sweep settles it.
      await this.gaps.makeDue([gap.id]);
      this.logger.log(`gap ${gap.symbol} ${gap.fromId}..${gap.toId}: import ${created.id} of ${created.fromDay}..${created.toDay} fills it`);
    }
    return true;
  }
}
