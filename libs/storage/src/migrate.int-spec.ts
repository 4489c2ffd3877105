import { createEmptyDatabase, databaseUrl, withAdminClient, type TestDatabase } from '@binance-rates/testing';
import { readdirSync } from 'node:fs';
import { Client } from 'pg';
import { applyMigrations } from './migrate';
import { findMigrationsDir } from './schema-engine';

const migrationNames = readdirSync(findMigrationsDir(__dirname), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('applyMigrations', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createEmptyDatabase();
  });

  afterEach(async () => {
    await db.drop();
  });

  it('applies every migration to an empty database, records them, and is a no-op the second time', async () => {
    expect(migrationNames.length).toBeGreaterThan(0);

    await expect(applyMigrations({ databaseUrl: db.url })).resolves.toEqual(migrationNames);

    const recorded = await query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      db.url,
      'SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(recorded.map((row) => row.migration_name)).toEqual(migrationNames);
    expect(recorded.every((row) => row.finished_at !== null && row.rolled_back_at === null)).toBe(true);

    const tables = await query<{ table_name: string }>(
      db.url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((row) => row.table_name)).toEqual(
      expect.arrayContaining(['_prisma_migrations', 'agg_trade', 'trade_gap', 'tracked_symbol']),
    );

    await expect(applyMigrations({ databaseUrl: db.url })).resolves.toEqual([]);
  });

  it('lets concurrent instances migrate the same database without failing', async () => {
    const results = await Promise.all([1, 2, 3].map(() => applyMigrations({ databaseUrl: db.url })));

    expect(results.flat().sort()).toEqual(migrationNames);
    const [{ count }] = await query<{ count: string }>(db.url, 'SELECT count(*) FROM _prisma_migrations');
    expect(Number(count)).toBe(migrationNames.length);
  });

  it('creates the database first when it does not exist, even when two instances race to create it', async () => {
    const name = `${db.name}_new`;
    const url = databaseUrl(name);
    try {
      const results = await Promise.all([applyMigrations({ databaseUrl: url }), applyMigrations({ databaseUrl: url })]);
      expect(results.flat().sort()).toEqual(migrationNames);
    } finally {
      await withAdminClient((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    }
  });

  it('accepts an explicit migrations directory', async () => {
    await expect(
      applyMigrations({ databaseUrl: db.url, migrationsDir: findMigrationsDir(__dirname) }),
    ).resolves.toEqual(migrationNames);
  });
});
