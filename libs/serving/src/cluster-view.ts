import type { InstanceStats, StreamStatus } from '@binance-rates/cache';

export interface ClusterInstanceView {
  instanceId: string;
  /** This instance is the one answering. */
  self: boolean;
  /** Its own report, null when it sent none within the report TTL (just joined, or stopped reporting). */
  stats: InstanceStats | null;
  /** The symbols it reported streaming, ascending, each with whether its stream is live. */
  symbols: { symbol: string; live: boolean }[];
}

export interface ClusterView {
  instances: ClusterInstanceView[];
  /** Tracked symbols no live instance reported streaming recently (being handed over, or not yet taken). */
  unassigned: string[];
}

export interface ClusterViewInput {
  self: string;
  /** Instances that heartbeated within the lease TTL. */
  members: readonly string[];
  stats: ReadonlyMap<string, InstanceStats>;
  streamStatus: ReadonlyMap<string, StreamStatus>;
  tracked: readonly string[];
  now: number;
  /** A stream report older than this says nothing any more. */
  reportTtlMs: number;
}

/**
 * Who streams what, from the registry's members, their stream reports and their own stats. A symbol belongs to the
 * member that last reported it, when that report is fresh; reports of symbols no longer tracked are left out.
 */
export function buildClusterView({ self, members, stats, streamStatus, tracked, now, reportTtlMs }: ClusterViewInput): ClusterView {
  const bySymbols = new Map<string, { symbol: string; live: boolean }[]>(members.map((member) => [member, []]));
  const unassigned: string[] = [];
  for (const symbol of [...tracked].sort()) {
    const status = streamStatus.get(symbol);
    const owner = status && now - status.reportedAt <= reportTtlMs ? bySymbols.get(status.instanceId) : undefined;
    if (owner && status) {
      owner.push({ symbol, live: status.live });
    } else {
      unassigned.push(symbol);
    }
  }
  const instances = [...members].sort().map((instanceId) => ({
    instanceId,
    self: instanceId === self,
    stats: stats.get(instanceId) ?? null,
    symbols: bySymbols.get(instanceId) ?? [],
  }));
  return { instances, unassigned };
}
