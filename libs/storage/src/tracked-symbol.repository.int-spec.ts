import { aggTrade, createTestDatabase, planNodesOf, sleep, testConfig, type TestDatabase } from '@binance-rates/testing';
import { historyWriter, insert } from './trade.fixtures';
import { DatabaseClient } from './database.client';
import { TrackedSymbolRepository } from './tracked-symbol.repository';

describe('TrackedSymbolRepository', () => {
  let db: TestDatabase;
  let client: DatabaseClient;
  let symbols: TrackedSymbolRepository;

  beforeEach(async () => {
    db = await createTestDatabase();
    client = new DatabaseClient(testConfig({ database: { url: db.url, poolSize: 4 } }));
    symbols = new TrackedSymbolRepository(client);
  });

  afterEach(async () => {
    await client.close();
    await db.drop();
  });

  it('adds a new symbol once and reports the second add as not created', async () => {
    const first = await symbols.add('BTCUSDT');
    expect(first.created).toBe(true);
    expect(first.record.symbol).toBe('BTCUSDT');
    expect(first.record.addedAt).toBeInstanceOf(Date);

    const second = await symbols.add('BTCUSDT');
    expect(second).toEqual({ record: first.record, created: false });
    await expect(symbols.listActive()).resolves.toEqual([first.record]);
  });

  it('lists only active symbols, in the order they were added', async () => {
    await symbols.add('ETHUSDT');
    await symbols.add('BTCUSDT');
    await symbols.add('BNBUSDT');
    await symbols.remove('BTCUSDT');

    const active = await symbols.listActive();
    expect(active.map((s) => s.symbol)).toEqual(['ETHUSDT', 'BNBUSDT']);
  });

  it('soft-deletes: a removed symbol is inactive but was ever tracked', async () => {
    await symbols.add('BTCUSDT');

    await expect(symbols.remove('BTCUSDT')).resolves.toBe(true);
    await expect(symbols.remove('BTCUSDT')).resolves.toBe(false);
    await expect(symbols.isActive('BTCUSDT')).resolves.toBe(false);
    await expect(symbols.wasEverTracked('BTCUSDT')).resolves.toBe(true);

    await expect(symbols.remove('XRPUSDT')).resolves.toBe(false);
    await expect(symbols.isActive('XRPUSDT')).resolves.toBe(false);
    await expect(symbols.wasEverTracked('XRPUSDT')).resolves.toBe(false);
  });

  it('re-activates a removed symbol as created, with a fresh addedAt', async () => {
    const first = await symbols.add('BTCUSDT');
    await symbols.remove('BTCUSDT');
    await sleep(5);

    const again = await symbols.add('BTCUSDT');
    expect(again.created).toBe(true);
    expect(again.record.addedAt.getTime()).toBeGreaterThan(first.record.addedAt.getTime());
    await expect(symbols.isActive('BTCUSDT')).resolves.toBe(true);
  });

  it('reports exactly one creation when the same symbol is added concurrently', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => symbols.add('SOLUSDT')));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.record.addedAt.getTime())).size).toBe(1);

    await symbols.remove('SOLUSDT');
    const readds = await Promise.all(Array.from({ length: 8 }, () => symbols.add('SOLUSDT')));
    expect(readds.filter((r) => r.created)).toHaveLength(1);
  });

  describe('trades since a symbol was added', () => {
    /** Stores the ids 25 at a time, the lower half as blocks and the rest as runs, the two forms history takes. */
    const storeTrades = async (symbol: string, ids: number[]) => {
      const trades = [...ids].sort((a, b) => a - b).map((tradeId) => aggTrade({ symbol, tradeId }));
      const writer = historyWriter(client);
      for (let from = 0; from < trades.length; from += 25) {
        await insert(writer, trades.slice(from, from + 25), from < trades.length / 2 ? 'block' : 'run');
      }
    };

    it('lists recently added symbols not yet marked filled, with their oldest stored trade', async () => {
      await symbols.add('OLDUSDT');
      await sleep(5);
      const windowStart = new Date();
      const btc = await symbols.add('BTCUSDT');
      const eth = await symbols.add('ETHUSDT');
      await symbols.add('SOLUSDT');
      await symbols.remove('SOLUSDT');
      await storeTrades('BTCUSDT', [42, 41, 57]);
      await storeTrades('OLDUSDT', [1]);

      const unfilled = await symbols.sinceAddedUnfilled(['OLDUSDT', 'BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'], windowStart);

      expect([...unfilled.values()].sort((a, b) => a.symbol.localeCompare(b.symbol))).toEqual([
        { symbol: 'BTCUSDT', addedAt: btc.record.addedAt, firstStoredId: 41 },
        { symbol: 'ETHUSDT', addedAt: eth.record.addedAt, firstStoredId: null },
      ]);
    });

    it('marks a symbol filled only for the addition it was fetched for; adding it again after a removal unmarks it', async () => {
      const first = await symbols.add('BTCUSDT');
      const since = new Date(first.record.addedAt.getTime() - 1_000);
      await symbols.markSinceAddedFilled([{ symbol: 'BTCUSDT', addedAt: new Date(first.record.addedAt.getTime() - 1) }]);
      expect([...(await symbols.sinceAddedUnfilled(['BTCUSDT'], since)).keys()]).toEqual(['BTCUSDT']);

      await symbols.markSinceAddedFilled([{ symbol: 'BTCUSDT', addedAt: first.record.addedAt }]);
      expect((await symbols.sinceAddedUnfilled(['BTCUSDT'], since)).size).toBe(0);

      await symbols.remove('BTCUSDT');
      await sleep(5);
      const again = await symbols.add('BTCUSDT');
      await symbols.markSinceAddedFilled([{ symbol: 'BTCUSDT', addedAt: first.record.addedAt }]);
      const unfilled = await symbols.sinceAddedUnfilled(['BTCUSDT'], since);
      expect(unfilled.get('BTCUSDT')).toEqual({ symbol: 'BTCUSDT', addedAt: again.record.addedAt, firstStoredId: null });
    });

    it("finds a symbol's oldest stored trade along the primary key, never sorting its rows", async () => {
      await symbols.add('BTCUSDT');
      await storeTrades('BTCUSDT', Array.from({ length: 20_000 }, (_, index) => index + 1));
      await client.pool.query('ANALYZE trade_run; ANALYZE trade_block');
      const nodes = await planNodesOf(client.pool, () => symbols.sinceAddedUnfilled(['BTCUSDT'], new Date(0)));
      expect(nodes).not.toContain('Sort');
      await expect(symbols.sinceAddedUnfilled(['BTCUSDT'], new Date(0))).resolves.toEqual(
        new Map([['BTCUSDT', expect.objectContaining({ firstStoredId: 1 })]]),
      );
    });
  });

  it('changes the change stamp for a removal made on an instance whose clock lags', async () => {
    await symbols.add('BTCUSDT');
    await symbols.add('ETHUSDT');
    await symbols.remove('BTCUSDT');
    const before = await symbols.changeStamp();
    // Only Date is faked: the driver's timers and sockets run as usual.
    jest.useFakeTimers({
      now: Date.now() - 60_000,
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
    });
    try {
      expect(await symbols.remove('ETHUSDT')).toBe(true);
    } finally {
      jest.useRealTimers();
    }
    expect(await symbols.changeStamp()).not.toBe(before);
  });
});
