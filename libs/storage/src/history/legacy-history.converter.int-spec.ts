import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AggTrade } from '@binance-rates/domain';
import { createEmptyDatabase, type TestDatabase } from '@binance-rates/testing';
import { DatabaseClient } from '../database.client';
import { applyMigrations } from '../migrate';
import { findMigrationsDir } from '../schema-engine';
import { TradeRepository } from '../trade.repository';
import { clientFor, historyWriter, insert, range, storedRange } from '../trade.fixtures';
import { LegacyHistoryConverter } from './legacy-history.converter';

/** The last migration of the row-per-trade layout: a database the code before runs and blocks filled. */
const LAST_ROW_PER_TRADE_MIGRATION = '20261126103317_track_since_added_fill';

/** Rows as the row-per-trade writer stored them (COPY of Binance's text into agg_trade). */
async function storeTheOldWay(client: DatabaseClient, trades: readonly AggTrade[]): Promise<void> {
  await client.pool.query(
    `INSERT INTO agg_trade (symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time, is_buyer_maker)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::numeric[], $4::numeric[], $5::bigint[], $6::bigint[], $7::timestamptz[], $8::boolean[])`,
    [
      trades.map((t) => t.symbol),
      trades.map((t) => t.tradeId),
      trades.map((t) => t.price),
      trades.map((t) => t.quantity),
      trades.map((t) => t.firstTradeId),
      trades.map((t) => t.lastTradeId),
      trades.map((t) => new Date(t.tradeTime)),
      trades.map((t) => t.isBuyerMaker),
    ],
  );
}

describe('LegacyHistoryConverter on a database filled by the row-per-trade layout', () => {
  let db: TestDatabase;
  let client: DatabaseClient;
  let oldMigrations: string;

  beforeEach(async () => {
    db = await createEmptyDatabase();
    oldMigrations = mkdtempSync(join(tmpdir(), 'rates-old-migrations-'));
    const all = findMigrationsDir(__dirname);
    for (const entry of readdirSync(all)) {
      if (entry <= LAST_ROW_PER_TRADE_MIGRATION || entry === 'migration_lock.toml') {
        cpSync(join(all, entry), join(oldMigrations, entry), { recursive: true });
      }
    }
    await applyMigrations({ databaseUrl: db.url, migrationsDir: oldMigrations });
    client = clientFor(db.url);
  });

  afterEach(async () => {
    await client.close();
    await db.drop();
    rmSync(oldMigrations, { recursive: true, force: true });
  });

  it('moves every trade into blocks once, with what was written meanwhile, and empties agg_trade', async () => {
    const btc = [...range(1, 30_000), ...range(30_101, 31_000)].map((t) => ({ ...t, price: t.tradeId % 3 === 0 ? '37000.10000000' : '36999.99000000' }));
    const eth = range(5, 700, { symbol: 'ETHUSDT', quantity: '12.00010000' });
    await storeTheOldWay(client, [...btc, ...eth]);

    await applyMigrations({ databaseUrl: db.url });
    // The new code ran before the conversion finished: live trades overlapping the old rows, and a fill of the hole.
    const writer = historyWriter(client);
    await insert(writer, range(30_900, 31_500));
    await insert(writer, range(30_001, 30_100));
    const other = clientFor(db.url);
    try {
      const moved = await Promise.all([
        new LegacyHistoryConverter(client, writer).convert(),
        new LegacyHistoryConverter(other, historyWriter(other)).convert(),
      ]);
      // Of the old BTCUSDT rows, 30,900-31,000 were stored by the live write already.
      expect(moved.sort()).toEqual([0, 30_900 - 101 + 696]);
    } finally {
      await other.close();
    }

    await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 31_500, minId: 1, maxId: 31_500 });
    await expect(storedRange(client, 'ETHUSDT')).resolves.toEqual({ count: 696, minId: 5, maxId: 700 });
    const trades = new TradeRepository(client);
    await expect(trades.findTrades({ symbol: 'BTCUSDT', limit: 30_000 })).resolves.toEqual(btc.slice(0, 30_000));
    await expect(trades.findTrades({ symbol: 'ETHUSDT', limit: 1_000 })).resolves.toEqual(eth);
    const { rows } = await client.pool.query('SELECT count(*)::int AS n FROM agg_trade');
    expect(rows[0].n).toBe(0);
    await expect(new LegacyHistoryConverter(client, writer).convert()).resolves.toBe(0);
  });

  it('finishes after a conversion stopped half-way, storing nothing twice', async () => {
    await storeTheOldWay(client, range(1, 120_000));
    await applyMigrations({ databaseUrl: db.url });
    const writer = historyWriter(client);
    const stopping = new AbortController();
    const converting = new LegacyHistoryConverter(client, writer).convert(stopping.signal);
    // Stops after the first step of 50,000 rows or so: it checks between steps.
    setTimeout(() => stopping.abort(), 50);
    await expect(converting).resolves.toBeNull();
    const part = await storedRange(client, 'BTCUSDT');
    expect(part.count).toBeLessThan(120_000);

    await expect(new LegacyHistoryConverter(client, writer).convert()).resolves.toBe(120_000 - part.count);
    await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 120_000, minId: 1, maxId: 120_000 });
  });
});
