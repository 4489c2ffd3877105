import { LatestPriceView, TrackedSymbolsService } from '@binance-rates/ingestion';
import { sleep, testConfig } from '@binance-rates/testing';
import { PushClientsFullError, PushFollowsFullError, SymbolNotTrackedError } from './serving.errors';
import { PricePushService, PricePushSink } from './price-push.service';
import { PriceChanges } from './price-subscription';

class RecordingSink implements PricePushSink {
  readonly sent: PriceChanges[] = [];
  endedWith: string | null = null;

  send(changes: PriceChanges): void {
    this.sent.push(changes);
  }

  end(reason: string): void {
    this.endedWith = reason;
  }
}

describe('PricePushService', () => {
  const tracked = new Set(['BTCUSDT', 'ETHUSDT']);
  const trackedSymbols = { isActive: (symbol: string) => tracked.has(symbol), list: () => [...tracked] } as unknown as TrackedSymbolsService;
  // The view's reads and offers are in memory; its Redis store is only used once the app boots it.
  const view = new LatestPriceView(undefined as never, trackedSymbols);
  const config = testConfig({ ingest: { pricePushIntervalMs: 10, pricePushMaxClients: 2 } });
  let push: PricePushService;

  beforeEach(() => {
    push = new PricePushService(config, trackedSymbols, view);
    view.offer({ symbol: 'BTCUSDT', price: '100.5', tradeId: 1, tradeTime: 1_000 });
  });

  afterEach(() => push.onModuleDestroy());

  it('sends the current prices at once, then what moved on the next round', async () => {
    const sink = new RecordingSink();
    push.follow(['BTCUSDT'], () => sink);
    expect(sink.sent).toEqual([{ prices: [{ symbol: 'BTCUSDT', price: '100.5', tradeId: 1, tradeTime: 1_000 }], removed: [] }]);
    view.offer({ symbol: 'BTCUSDT', price: '101', tradeId: 2, tradeTime: 2_000 });
    view.offer({ symbol: 'BTCUSDT', price: '102', tradeId: 3, tradeTime: 3_000 });
    await sleep(50);
    expect(sink.sent.slice(1)).toEqual([{ prices: [{ symbol: 'BTCUSDT', price: '102', tradeId: 3, tradeTime: 3_000 }], removed: [] }]);
  });

  it('refuses, without opening anything, a symbol not tracked and a client beyond the limit; a freed place is taken again', () => {
    let opened = 0;
    const open = (): PricePushSink => {
      opened += 1;
      return new RecordingSink();
    };
    expect(() => push.follow(['XRPUSDT'], open)).toThrow(SymbolNotTrackedError);
    const stopFirst = push.follow(null, open);
    push.follow(null, open);
    expect(() => push.follow(null, open)).toThrow(PushClientsFullError);
    expect(opened).toBe(2);
    stopFirst();
    push.follow(['ETHUSDT'], open);
    expect(push.clientCount).toBe(2);
  });

  it('counts a client following every symbol as every tracked symbol, and refuses follows beyond PRICE_PUSH_MAX_FOLLOWS', () => {
    const budgeted = new PricePushService(
      testConfig({ ingest: { pricePushIntervalMs: 10, pricePushMaxClients: 100 }, pricePush: { maxFollows: 3 } }),
      trackedSymbols,
      view,
    );
    try {
      const open = (): PricePushSink => new RecordingSink();
      // Two symbols are tracked: this one costs 2 follows per round, the next 1.
      const stopEvery = budgeted.follow(null, open);
      budgeted.follow(['BTCUSDT'], open);
      expect(() => budgeted.follow(['ETHUSDT'], open)).toThrow(PushFollowsFullError);
      expect(() => budgeted.follow(null, open)).toThrow(PushFollowsFullError);
      expect(budgeted.clientCount).toBe(2);
      stopEvery();
      budgeted.follow(['BTCUSDT', 'ETHUSDT'], open);
      expect(budgeted.clientCount).toBe(2);
    } finally {
      budgeted.onModuleDestroy();
    }
  });

  it('builds the tracked list once per round, not once per client following every symbol', () => {
    jest.useFakeTimers();
    let lists = 0;
    const counting = {
      isActive: (symbol: string) => tracked.has(symbol),
      list: () => {
        lists += 1;
        return [...tracked];
      },
    } as unknown as TrackedSymbolsService;
    const counted = new PricePushService(config, counting, view);
    try {
      const sinks = [new RecordingSink(), new RecordingSink()];
      for (const sink of sinks) counted.follow(null, () => sink);
      lists = 0;
      view.offer({ symbol: 'BTCUSDT', price: '103', tradeId: 4, tradeTime: 4_000 });
      jest.advanceTimersByTime(config.ingest.pricePushIntervalMs);
      expect(sinks.map((sink) => sink.sent.at(-1)?.prices.map((price) => price.tradeId))).toEqual([[4], [4]]);
      expect(lists).toBe(1);
    } finally {
      counted.onModuleDestroy();
      jest.useRealTimers();
    }
  });

  it('ends every stream when the service stops, and any opened afterwards at once', () => {
    const sink = new RecordingSink();
    push.follow(null, () => sink);
    push.onModuleDestroy();
    expect(sink.endedWith).toBe('the service is stopping');
    expect(push.clientCount).toBe(0);
    const late = new RecordingSink();
    push.follow(null, () => late);
    expect(late.endedWith).toBe('the service is stopping');
  });
});
