import { RedisClient, TradeFeedStore } from '@binance-rates/cache';
import type { AggTrade } from '@binance-rates/domain';
import { aggTrade, cleanupRedisPrefix, sleep, testConfig, testRedisPrefix, testRedisUrl, waitFor } from '@binance-rates/testing';
import { TradeFeedPublisher } from './trade-feed.publisher';

/** Longer than the publisher's listener check (1 s), so a change of listeners has been seen. */
const PROBE_SETTLED_MS = 1_300;

describe('TradeFeedPublisher (real Redis pub/sub)', () => {
  const prefix = testRedisPrefix();
  const clients: RedisClient[] = [];
  const stores: TradeFeedStore[] = [];
  let publisher: TradeFeedPublisher;

  function newStore(): TradeFeedStore {
    const client = new RedisClient(testConfig({ redis: { keyPrefix: prefix } }));
    clients.push(client);
    const store = new TradeFeedStore(client);
    stores.push(store);
    return store;
  }

  /** A listener over the cluster's feed, as a Binance-protocol stream server listens; resolves once subscribed. */
  async function listener(): Promise<{ store: TradeFeedStore; batches: AggTrade[][] }> {
    const store = newStore();
    const batches: AggTrade[][] = [];
    await new Promise<void>((resolve) => store.listen((trades) => batches.push(trades), resolve));
    return { store, batches };
  }

  beforeEach(() => {
    publisher = new TradeFeedPublisher(newStore());
  });

  afterEach(async () => {
    publisher.stop();
    await Promise.all(stores.splice(0).map((store) => store.onApplicationShutdown()));
    await Promise.all(clients.splice(0).map((client) => client.onApplicationShutdown()));
    await cleanupRedisPrefix(testRedisUrl(), prefix);
  });

  const trade = (tradeId: number) => aggTrade({ symbol: 'BTCUSDT', tradeId });

  it('publishes nothing while no instance listens, then the trades of one millisecond as one message', async () => {
    publisher.accept(trade(1));
    const { batches } = await listener();
    await sleep(PROBE_SETTLED_MS);
    publisher.accept(trade(2));
    publisher.accept(trade(3));
    publisher.accept(trade(4));
    await waitFor(() => batches.length > 0, { what: 'a message on the feed', timeoutMs: 3_000, intervalMs: 10 });
    await sleep(50);
    expect(batches).toEqual([[trade(2), trade(3), trade(4)]]);
  });

  it('stops publishing when its listeners are gone and starts again when one returns', async () => {
    publisher.accept(trade(0)); // the first trade starts the listener checks
    const first = await listener();
    await sleep(PROBE_SETTLED_MS);
    publisher.accept(trade(1));
    await waitFor(() => first.batches.length === 1, { what: 'trade 1', timeoutMs: 3_000, intervalMs: 10 });
    await first.store.stopListening();
    publisher.accept(trade(2)); // reaches nobody: the publisher learns that nobody listens
    const second = await listener();
    await sleep(PROBE_SETTLED_MS);
    publisher.accept(trade(3));
    await waitFor(() => second.batches.length === 1, { what: 'trade 3', timeoutMs: 3_000, intervalMs: 10 });
    expect(second.batches).toEqual([[trade(3)]]);
  });

  it('publishes nothing once stopped, listeners or not', async () => {
    publisher.accept(trade(0));
    const { batches } = await listener();
    await sleep(PROBE_SETTLED_MS);
    publisher.stop();
    publisher.accept(trade(1));
    await sleep(PROBE_SETTLED_MS);
    publisher.accept(trade(2));
    await sleep(50);
    expect(batches).toEqual([]);
  });
});
