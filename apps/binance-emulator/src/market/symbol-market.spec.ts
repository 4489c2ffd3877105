import { symbolInfo } from '../rest/exchange-info';
import { parseUnits } from './decimal';
import { createDefaultMarket } from './default-market';
import type { AggTradeRecord, MarketSymbolSpec } from './market.types';
import { MS_PER_DAY, parseDay } from './symbol-listing';
import { SymbolMarket } from './symbol-market';

const SPECS = new Map(createDefaultMarket({ generatedCount: 3 }).map((spec) => [spec.symbol, spec]));
const START_DAY = parseDay('2024-03-01') as number;

function market(symbol: string, seed = 1): SymbolMarket {
  return new SymbolMarket({
    spec: SPECS.get(symbol) as MarketSymbolSpec,
    seed,
    tradesPerSecond: 0,
    historyLimit: 100_000,
    startDay: START_DAY,
    archiveTradesPerDay: 1_000,
  });
}

function records(symbolMarket: SymbolMarket, count: number): AggTradeRecord[] {
  const base = START_DAY * MS_PER_DAY;
  return Array.from({ length: count }, (_, i) => symbolMarket.toRecord(symbolMarket.nextTrade(base + i)));
}

function filter(symbolMarket: SymbolMarket, type: string): Record<string, string> {
  const filters = symbolInfo(symbolMarket, true)['filters'] as Array<Record<string, string>>;
  return filters.find((entry) => entry.filterType === type) as Record<string, string>;
}

describe('SymbolMarket: realistic data on the grid its exchangeInfo lists', () => {
  it.each([
    ['BTCUSDT', '0.01000000', '0.00001000'],
    ['SHIBUSDT', '0.00000001', '1.00000000'],
    ['ETHBTC', '0.00001000', '0.00010000'],
  ])('lists %s with tick %s and step %s', (symbol, tickSize, stepSize) => {
    expect(filter(market(symbol), 'PRICE_FILTER')['tickSize']).toBe(tickSize);
    expect(filter(market(symbol), 'LOT_SIZE')['stepSize']).toBe(stepSize);
  });

  it.each(['BTCUSDT', 'SHIBUSDT', 'ETHBTC', 'DOGEUSDT', 'C002USDT'])(
    '%s: every price is a multiple of its tick and every quantity of its step, printed with 8 decimals',
    (symbol) => {
      const symbolMarket = market(symbol);
      const tick = parseUnits(filter(symbolMarket, 'PRICE_FILTER')['tickSize']) as number;
      const step = parseUnits(filter(symbolMarket, 'LOT_SIZE')['stepSize']) as number;
      const maxQty = filter(symbolMarket, 'LOT_SIZE')['maxQty'];
      const maxUnits = BigInt(maxQty.replace('.', ''));
      const offGrid = records(symbolMarket, 20_000).filter((trade) => {
        // Quantities may pass 2^53 units (SHIB): the step grid is checked on the decimal text.
        const quantityUnits = BigInt(trade.quantity.replace('.', ''));
        return (
          !/^\d+\.\d{8}$/.test(trade.price) ||
          !/^\d+\.\d{8}$/.test(trade.quantity) ||
          (parseUnits(trade.price) as number) % tick !== 0 ||
          quantityUnits % BigInt(step) !== 0n ||
          quantityUnits > maxUnits
        );
      });
      expect(offGrid).toEqual([]);
    },
  );

  it('draws heavy-tailed quantities, many of them round', () => {
    const quantities = records(market('BTCUSDT'), 50_000).map((trade) => parseUnits(trade.quantity) as number).sort((a, b) => a - b);
    const median = quantities[quantities.length >> 1];
    expect(quantities[Math.floor(quantities.length * 0.99)] / median).toBeGreaterThan(30);
    const round = quantities.filter((units) => /^[1-9]0+$/.test(String(units / 1_000))).length;
    expect(round / quantities.length).toBeGreaterThan(0.2);
  });

  it('moves prices by a few ticks at a time: most trades at the price of the one before or one tick off', () => {
    const prices = records(market('BTCUSDT'), 50_000).map((trade) => parseUnits(trade.price) as number);
    const tickMoves = prices.slice(1).map((price, i) => Math.abs(price - prices[i]) / 1_000_000);
    expect(tickMoves.filter((moves) => moves <= 1).length / tickMoves.length).toBeGreaterThan(0.6);
  });

  it('continues the archive: ids from the start day, raw trade ids without a hole, 1–3 fills mostly', () => {
    const trades = records(market('BTCUSDT'), 5_000);
    const listedDay = parseDay('2017-08-17') as number;
    expect(trades[0].aggTradeId).toBe((START_DAY - listedDay) * 1_000);
    const broken = trades.filter(
      (trade, i) => trade.aggTradeId !== trades[0].aggTradeId + i || (i > 0 && trade.firstTradeId !== trades[i - 1].lastTradeId + 1),
    );
    expect(broken).toEqual([]);
    const fills = trades.map((trade) => trade.lastTradeId - trade.firstTradeId + 1);
    expect(fills.filter((count) => count <= 3).length / fills.length).toBeGreaterThan(0.9);
  });

  it('is deterministic from the seed', () => {
    expect(records(market('ETHUSDT', 3), 500)).toEqual(records(market('ETHUSDT', 3), 500));
    expect(records(market('ETHUSDT', 3), 500)).not.toEqual(records(market('ETHUSDT', 4), 500));
  });
});
