export interface PriceObservation {
  /** When the GET was sent and its answer received, wall-clock ms (sub-ms resolution). */
  sentAt: number;
  receivedAt: number;
  /** Latest trade id the service showed; null before the symbol has a price. */
  tradeId: number | null;
}

export interface SentTrade {
  aggTradeId: number;
  /** The emulator's trade time: the moment it generated and sent the trade, integer ms. */
  tradeTime: number;
}

/**
 * How long each trade stayed invisible through GET /api/currency/{symbol}.
 *
 * A poller asks for one symbol back to back on one connection, so its observations are in order and their trade
 * ids never go down (the service only moves a price forward). Trade `i` became visible no later than the first
 * observation showing an id >= i; that observation read the price somewhere between its send and receive times,
 * so the midpoint is taken as the moment of visibility (error at most half a round trip plus one poll interval).
 * Invisible time = that moment minus the trade's time. Trades already visible at the first observation, or not
 * yet visible at the last one, are left out. `trades` must be sorted by id.
 */
export function invisibleDurations(observations: readonly PriceObservation[], trades: readonly SentTrade[]): number[] {
  const seen = observations.filter((observation) => observation.tradeId !== null);
  if (seen.length < 2) {
    return [];
  }
  const firstId = seen[0].tradeId as number;
  const lastId = seen[seen.length - 1].tradeId as number;
  const durations: number[] = [];
  let cursor = 0;
  for (const trade of trades) {
    if (trade.aggTradeId <= firstId || trade.aggTradeId > lastId) {
      continue;
    }
    while ((seen[cursor].tradeId as number) < trade.aggTradeId) {
      cursor += 1;
    }
    const observation = seen[cursor];
    durations.push((observation.sentAt + observation.receivedAt) / 2 - trade.tradeTime);
  }
  return durations;
}

/** Nearest-rank percentile of an unsorted sample; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
