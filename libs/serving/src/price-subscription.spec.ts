import { PricePoint } from '@binance-rates/domain';
import { PriceSubscription } from './price-subscription';

function price(symbol: string, tradeId: number): PricePoint {
  return { symbol, price: `${tradeId}.5`, tradeId, tradeTime: 1_700_000_000_000 + tradeId };
}

class Market {
  readonly prices = new Map<string, PricePoint>();
  readonly tracked = new Set<string>();

  track(...symbols: string[]): void {
    symbols.forEach((symbol) => this.tracked.add(symbol));
  }

  trade(symbol: string, tradeId: number): void {
    this.prices.set(symbol, price(symbol, tradeId));
  }

  changesFor(subscription: PriceSubscription) {
    return subscription.changes(
      { isActive: (symbol) => this.tracked.has(symbol), list: () => [...this.tracked] },
      (symbol) => this.prices.get(symbol) ?? null,
    );
  }
}

describe('PriceSubscription', () => {
  it('sends the current prices first, then only symbols whose price moved, newest only', () => {
    const market = new Market();
    market.track('BTCUSDT', 'ETHUSDT', 'SOLUSDT');
    market.trade('BTCUSDT', 10);
    const subscription = new PriceSubscription(['BTCUSDT', 'ETHUSDT']);

    expect(market.changesFor(subscription)).toEqual({ prices: [price('BTCUSDT', 10)], removed: [] });
    expect(market.changesFor(subscription)).toEqual({ prices: [], removed: [] });

    market.trade('BTCUSDT', 11);
    market.trade('BTCUSDT', 12);
    market.trade('ETHUSDT', 5);
    market.trade('SOLUSDT', 7);
    expect(market.changesFor(subscription)).toEqual({ prices: [price('BTCUSDT', 12), price('ETHUSDT', 5)], removed: [] });
  });

  it('reports a symbol followed by name once when it stops being tracked, and is exhausted when none is left', () => {
    const market = new Market();
    market.track('BTCUSDT', 'ETHUSDT');
    const subscription = new PriceSubscription(['BTCUSDT', 'ETHUSDT']);
    market.changesFor(subscription);

    market.tracked.delete('ETHUSDT');
    expect(market.changesFor(subscription)).toEqual({ prices: [], removed: ['ETHUSDT'] });
    expect(market.changesFor(subscription).removed).toEqual([]);
    expect(subscription.exhausted).toBe(false);

    market.tracked.delete('BTCUSDT');
    expect(market.changesFor(subscription).removed).toEqual(['BTCUSDT']);
    expect(subscription.exhausted).toBe(true);
  });

  it('following every symbol picks up symbols added later and reports removed ones it had sent', () => {
    const market = new Market();
    market.track('BTCUSDT');
    market.trade('BTCUSDT', 1);
    const subscription = new PriceSubscription(null);
    expect(market.changesFor(subscription).prices).toEqual([price('BTCUSDT', 1)]);

    market.track('ETHUSDT');
    market.trade('ETHUSDT', 3);
    market.tracked.delete('BTCUSDT');
    expect(market.changesFor(subscription)).toEqual({ prices: [price('ETHUSDT', 3)], removed: ['BTCUSDT'] });
    market.tracked.clear();
    market.changesFor(subscription);
    expect(subscription.exhausted).toBe(false);
  });
});
