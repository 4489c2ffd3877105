import { Injectable } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { InstanceRegistryStore, InstanceStatsStore, StreamStatusStore } from '@binance-rates/cache';
import { TrackedSymbolsService } from '@binance-rates/ingestion';
import { ClusterView, buildClusterView } from './cluster-view';

/** The cluster as the registry, the stream reports and the instances' own stats tell it: three Redis reads. */
@Injectable()
export class ClusterViewService {
  constructor(
    private readonly config: AppConfig,
    private readonly registry: InstanceRegistryStore,
    private readonly statsStore: InstanceStatsStore,
    private readonly streamStatus: StreamStatusStore,
    private readonly tracked: TrackedSymbolsService,
  ) {}

  async view(): Promise<ClusterView> {
    const reportTtlMs = this.config.cluster.leaseTtlMs;
    const [members, streamStatus] = await Promise.all([this.registry.live(reportTtlMs), this.streamStatus.readAll()]);
    const stats = await this.statsStore.read(members);
    return buildClusterView({
      self: this.config.instanceId,
      members,
      stats,
      streamStatus,
      tracked: this.tracked.list(),
      now: Date.now(),
      reportTtlMs,
    });
  }
}
