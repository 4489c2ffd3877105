import type { TradeRun } from '@binance-rates/domain';

/**
 * Trade runs shaped like the market's: per symbol, a price walking on a 0.01 tick around its own level, quantities on
 * a 0.00001 step, one to three fills per aggregate trade, buyer and seller taking turns at random, all printed with 8
 * decimals as Binance does.
 */
export class MarketRuns {
  private seed = 7;
  private readonly markets: Array<{ symbol: string; nextId: number; price: number }>;

  constructor(symbols: readonly string[]) {
    this.markets = symbols.map((symbol, index) => ({ symbol, nextId: 1_000_000_000 + index * 10_000_000, price: 100_000 + index * 37_311 }));
  }

  /** `count` consecutive trades of symbol `index`, spread evenly over `spanMs` from `time`. */
  run(index: number, count: number, time: number, spanMs: number): TradeRun {
    const market = this.markets[index];
    if (market === undefined) {
      throw new Error(`no symbol ${index}`);
    }
    const firstId = market.nextId;
    market.nextId = firstId + count;
    const run = {
      symbol: market.symbol,
      firstId,
      count,
      firstTradeId: new Float64Array(count),
      lastTradeId: new Float64Array(count),
      time: new Float64Array(count),
      priceUnits: new Float64Array(count),
      priceScale: 2,
      priceTextDecimals: 8,
      quantityUnits: new Float64Array(count),
      quantityScale: 5,
      quantityTextDecimals: 8,
      buyerMaker: new Uint8Array(count),
    };
    for (let i = 0; i < count; i++) {
      const fills = 1 + this.next(3);
      run.firstTradeId[i] = (firstId + i) * 3;
      run.lastTradeId[i] = (firstId + i) * 3 + fills - 1;
      run.time[i] = time + Math.floor((i * spanMs) / count);
      market.price = Math.max(1, market.price + this.next(5) - 2);
      run.priceUnits[i] = market.price;
      run.quantityUnits[i] = 1 + this.next(200_000);
      run.buyerMaker[i] = this.next(2);
    }
    return run;
  }

  private next(n: number): number {
    this.seed = (this.seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return this.seed % n;
  }
}

export const symbolName = (index: number): string => `C${String(index + 1).padStart(3, '0')}USDT`;
