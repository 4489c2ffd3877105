import type { InstanceStats, StreamStatus } from '@binance-rates/cache';
import { buildClusterView } from './cluster-view';

const NOW = 1_800_000_000_000;
const stats: InstanceStats = {
  tradesPerSecond: 12.5,
  pendingTrades: 3,
  symbols: 2,
  liveSymbols: 2,
  live: true,
  historyWritesHealthy: true,
  latestPriceWritesHealthy: true,
  pushClients: 1,
};

function reported(instanceId: string, live: boolean, ageMs = 100): StreamStatus {
  return { instanceId, live, reportedAt: NOW - ageMs };
}

describe('buildClusterView', () => {
  it('puts each tracked symbol under the member that reported streaming it, sorted, with its stats', () => {
    const view = buildClusterView({
      self: 'b',
      members: ['b', 'a'],
      stats: new Map([['a', stats]]),
      streamStatus: new Map([
        ['ETHUSDT', reported('a', true)],
        ['BTCUSDT', reported('a', false)],
        ['BNBUSDT', reported('b', true)],
      ]),
      tracked: ['ETHUSDT', 'BTCUSDT', 'BNBUSDT'],
      now: NOW,
      reportTtlMs: 6_000,
    });
    expect(view).toEqual({
      instances: [
        { instanceId: 'a', self: false, stats, symbols: [{ symbol: 'BTCUSDT', live: false }, { symbol: 'ETHUSDT', live: true }] },
        { instanceId: 'b', self: true, stats: null, symbols: [{ symbol: 'BNBUSDT', live: true }] },
      ],
      unassigned: [],
    });
  });

  it('leaves a symbol unassigned when its report is stale, names a gone instance or is missing', () => {
    const view = buildClusterView({
      self: 'a',
      members: ['a'],
      stats: new Map(),
      streamStatus: new Map([
        ['OLDUSDT', reported('a', true, 6_001)],
        ['GONEUSDT', reported('killed', true)],
      ]),
      tracked: ['OLDUSDT', 'GONEUSDT', 'NEWUSDT'],
      now: NOW,
      reportTtlMs: 6_000,
    });
    expect(view.unassigned).toEqual(['GONEUSDT', 'NEWUSDT', 'OLDUSDT']);
    expect(view.instances).toEqual([{ instanceId: 'a', self: true, stats: null, symbols: [] }]);
  });

  it('leaves out reports of symbols no longer tracked', () => {
    const view = buildClusterView({
      self: 'a',
      members: ['a'],
      stats: new Map(),
      streamStatus: new Map([['GONEUSDT', reported('a', true)]]),
      tracked: [],
      now: NOW,
      reportTtlMs: 6_000,
    });
    expect(view.instances[0].symbols).toEqual([]);
  });
});
