import { Injectable } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { StreamStatus } from '@binance-rates/cache';
import { StreamSupervisor } from '../live/stream-supervisor.service';

/**
 * Whether each symbol's stream is live, wherever in the cluster it is streamed: from this instance's supervisor when
 * it streams the symbol, else from the owner's last report (exchanged by the ownership coordinator every round).
 */
@Injectable()
export class StreamStatusView {
  private reported = new Map<string, StreamStatus>();
  private readonly reportTtlMs: number;

  constructor(
    config: AppConfig,
    private readonly supervisor: StreamSupervisor,
  ) {
    this.reportTtlMs = config.cluster.leaseTtlMs;
  }

  /** null when no owner reported on the symbol recently. */
  streamLive(symbol: string): boolean | null {
    const local = this.supervisor.symbolState(symbol);
    if (local) {
      return local.live;
    }
    const reported = this.reported.get(symbol);
    const fresh = reported && Date.now() - reported.reportedAt <= this.reportTtlMs;
    return fresh ? reported.live : null;
  }

  /** The symbols some instance reported on. */
  reportedSymbols(): string[] {
    return [...this.reported.keys()];
  }

  replaceReports(reported: Map<string, StreamStatus>): void {
    this.reported = reported;
  }
}
