import { Injectable } from '@nestjs/common';
import { LoopProgress } from '@binance-rates/domain';
import { OwnershipCoordinator } from '../cluster/ownership-coordinator.service';
import { BackfillRunner } from '../gaps/backfill-runner.service';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { WritePipeline } from '../write/write-pipeline.service';

/** Every single-flight loop of the ingestion, by name, with what it owes now. */
export interface IngestionLoopsProgress {
  ownershipRound: LoopProgress;
  trackedListRefresh: LoopProgress;
  /** One per history lane (HISTORY_WRITERS). */
  historyWrites: LoopProgress[];
  latestPriceFlush: LoopProgress;
  backfillPage: LoopProgress;
}

/**
 * The one place that knows which loops the ingestion runs, for the liveness probe. Each loop stamps a time per round,
 * write attempt or page, never per trade, so reading them costs nothing on the data path.
 */
@Injectable()
export class IngestionProgress {
  constructor(
    private readonly coordinator: OwnershipCoordinator,
    private readonly tracked: TrackedSymbolsService,
    private readonly pipeline: WritePipeline,
    private readonly runner: BackfillRunner,
  ) {}

  loops(): IngestionLoopsProgress {
    const writes = this.pipeline.progress();
    return {
      ownershipRound: this.coordinator.progress(),
      trackedListRefresh: this.tracked.progress(),
      historyWrites: writes.historyLanes,
      latestPriceFlush: writes.latestPrices,
      backfillPage: this.runner.progress(),
    };
  }
}
