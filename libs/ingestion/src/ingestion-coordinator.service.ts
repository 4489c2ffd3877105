import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { StreamSupervisor } from './stream-supervisor.service';
import { TrackedSymbolsService } from './tracked-symbols.service';

/**
 * Decides which tracked symbols this instance streams and keeps the streams equal to that set as the tracked list
 * changes. A single instance streams every tracked symbol.
 */
@Injectable()
export class IngestionCoordinator implements OnApplicationBootstrap {
  private readonly logger = new Logger(IngestionCoordinator.name);

  constructor(
    private readonly tracked: TrackedSymbolsService,
    private readonly supervisor: StreamSupervisor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.supervisor.start();
    this.tracked.onChange(({ added, removed }) => {
      if (removed.length > 0) {
        this.supervisor.unstream(removed);
      }
      if (added.length > 0) {
        void this.supervisor.stream(added).catch((error: Error) => this.logger.error(`could not stream ${added.join(',')}: ${error.message}`));
      }
    });
    await this.tracked.start();
    this.logger.log(`streaming ${this.tracked.list().length} tracked symbols`);
  }
}
