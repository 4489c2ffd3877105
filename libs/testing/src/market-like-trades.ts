import { type AggTrade, unitsText } from '@binance-rates/domain';
import { AGG_TRADE_EPOCH } from './agg-trade.factory';

/** A seeded pseudo-random source in [0, 1) (mulberry32): the same seed draws the same numbers on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Sizes people and bots like to trade, in 0.00001 BTC steps: 0.001 … 1 BTC. */
const ROUND_QUANTITIES = [100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];

export interface MarketLikeTradesOptions {
  count: number;
  seed?: number;
  symbol?: string;
  firstId?: number;
  startTime?: number;
}

/**
 * Consecutive aggregate trades that look like BTCUSDT's: prices on a 0.01 tick random-walking around 60000, a few
 * ticks at a time; quantities on a 0.00001 step, mostly small with a heavy tail and a share of round sizes; 1–3 raw
 * trades per aggregate; times in bursts of same-millisecond trades on one side of the book (a taker sweeping it, the
 * price stepping with it) between pauses of about 0.1 s and the odd pause of seconds. Both decimals have 8 digits,
 * as Binance writes them. For codec sizes and benchmarks that should reflect the market, not constants.
 */
export function marketLikeTrades(options: MarketLikeTradesOptions): AggTrade[] {
  const random = seededRandom(options.seed ?? 1);
  const symbol = options.symbol ?? 'BTCUSDT';
  let tradeId = options.firstId ?? 1;
  let rawId = tradeId * 3;
  let time = options.startTime ?? AGG_TRADE_EPOCH;
  let priceUnits = 6_000_000;
  let buyerMaker = false;
  let burstLeft = 0;
  const trades: AggTrade[] = [];
  for (let made = 0; made < options.count; made += 1) {
    if (burstLeft > 0) {
      burstLeft -= 1;
      time += random() < 0.85 ? 0 : 1;
      priceUnits += random() < 0.7 ? 0 : buyerMaker ? -1 : 1;
    } else {
      burstLeft = Math.floor(-Math.log(1 - random()) * 3);
      time += Math.floor(-Math.log(1 - random()) * (random() < 0.02 ? 2_000 : 120));
      buyerMaker = random() < 0.4 ? !buyerMaker : buyerMaker;
      priceUnits = Math.max(1, priceUnits + Math.round(-Math.log(1 - random()) * 2 * (random() < 0.5 ? -1 : 1)));
    }
    const quantityUnits =
      random() < 0.2
        ? ROUND_QUANTITIES[Math.floor(random() * ROUND_QUANTITIES.length)]
        : Math.min(10_000_000, Math.max(1, Math.round(80 * Math.exp(1.8 * gaussian(random)))));
    const span = random() < 0.7 ? 0 : random() < 0.67 ? 1 : 2;
    trades.push({
      symbol,
      tradeId,
      price: unitsText(priceUnits, 2, 8),
      quantity: unitsText(quantityUnits, 5, 8),
      firstTradeId: rawId,
      lastTradeId: rawId + span,
      tradeTime: time,
      isBuyerMaker: buyerMaker,
    });
    tradeId += 1;
    rawId += span + 1;
  }
  return trades;
}

/** A standard normal draw (Box–Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
