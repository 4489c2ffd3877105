import { createTestDatabase, type TestDatabase } from '@binance-rates/testing';
import { DatabaseClient } from './database.client';
import { PgErrorCode, pgErrorCode } from './pg-error';
import { clientFor } from './trade.fixtures';

describe('DatabaseClient', () => {
  let db: TestDatabase;
  let client: DatabaseClient;

  beforeEach(async () => {
    db = await createTestDatabase();
    client = clientFor(db.url);
  });

  afterEach(async () => {
    await client.close();
    await db.drop();
  });

  async function trackedCount(): Promise<number> {
    const { rows } = await client.pool.query<{ count: number }>('SELECT count(*)::float8 AS count FROM tracked_symbol');
    return rows[0]!.count;
  }

  describe('transaction', () => {
    it('commits what the work did and returns its result', async () => {
      const result = await client.transaction(async (tx) => {
        await tx.query("INSERT INTO tracked_symbol (symbol) VALUES ('BTCUSDT')");
        return 'done';
      });
      expect(result).toBe('done');
      await expect(trackedCount()).resolves.toBe(1);
    });

    it('rolls everything back when the work fails, and rethrows its error', async () => {
      const failure = client.transaction(async (tx) => {
        await tx.query("INSERT INTO tracked_symbol (symbol) VALUES ('BTCUSDT')");
        await tx.query("INSERT INTO tracked_symbol (symbol) VALUES ('BTCUSDT')");
      });
      await expect(failure.catch(pgErrorCode)).resolves.toBe(PgErrorCode.uniqueViolation);
      await expect(trackedCount()).resolves.toBe(0);
    });

    it('refuses writes when read-only and cancels statements past the timeout', async () => {
      const write = client.transaction((tx) => tx.query("INSERT INTO tracked_symbol (symbol) VALUES ('BTCUSDT')"), { readOnly: true });
      await expect(write).rejects.toThrow(/read-only/);
      const slow = client.transaction((tx) => tx.query('SELECT pg_sleep(5)'), { statementTimeoutMs: 50 });
      await expect(slow.catch(pgErrorCode)).resolves.toBe(PgErrorCode.queryCanceled);
      await expect(client.transaction((tx) => tx.query('SHOW statement_timeout').then((r) => r.rows[0]))).resolves.not.toEqual({
        statement_timeout: '50ms',
      });
    });
  });

  it('reports health', async () => {
    await expect(client.isHealthy()).resolves.toBe(true);
    await client.close();
    await expect(client.isHealthy()).resolves.toBe(false);
  });
});
