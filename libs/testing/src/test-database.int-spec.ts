import { Client } from 'pg';
import { createEmptyDatabase, createTestDatabase, withAdminClient } from './test-database';

async function tables(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    return rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

async function exists(name: string): Promise<boolean> {
  return withAdminClient(async (admin) => {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  });
}

describe('test databases', () => {
  it('clones migrated, isolated databases in parallel and drops them even with open connections', async () => {
    const dbs = await Promise.all([createTestDatabase(), createTestDatabase(), createTestDatabase()]);
    try {
      expect(new Set(dbs.map((db) => db.name)).size).toBe(3);
      for (const db of dbs) {
        expect(db.name).toMatch(new RegExp(`^rates_t_${process.pid}_[0-9a-f]{8}$`));
        await expect(tables(db.url)).resolves.toEqual(
          expect.arrayContaining(['_prisma_migrations', 'agg_trade', 'trade_gap', 'tracked_symbol']),
        );
      }
      const lingering = new Client({ connectionString: dbs[0]!.url });
      await lingering.connect();
      lingering.on('error', () => undefined);
      await dbs[0]!.drop();
      expect(await exists(dbs[0]!.name)).toBe(false);
      await lingering.end().catch(() => undefined);
    } finally {
      await Promise.all(dbs.map((db) => db.drop()));
    }
  });

  it('creates empty databases', async () => {
    const db = await createEmptyDatabase();
    try {
      await expect(tables(db.url)).resolves.toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
