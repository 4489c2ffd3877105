import { Client } from 'pg';
import { TcpProxy, createTestDatabase, testConfig, waitFor, type TestDatabase } from '@binance-rates/testing';
import { DatabaseCallTimeoutError } from './database-call-timeout.error';
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

  it('gives up a call on a silent connection, ends its session, and answers the next call on a fresh one', async () => {
    const { proxy, url: proxiedUrl } = await TcpProxy.inFrontOf(db.url);
    const proxied = new DatabaseClient(
      testConfig({ database: { url: proxiedUrl, poolSize: 3, connectTimeoutMs: 1_000, statementTimeoutMs: 200, callTimeoutMs: 500 } }),
    );
    const direct = new Client({ connectionString: db.url });
    await direct.connect();
    try {
      const { rows } = await proxied.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      proxy.silence();
      await expect(proxied.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseCallTimeoutError);
      await expect(proxied.query<{ answer: number }>('SELECT 42 AS answer').then((result) => result.rows[0])).resolves.toEqual({ answer: 42 });
      const alive = async (): Promise<boolean> =>
        (await direct.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [rows[0].pid])).rowCount === 1;
      await waitFor(async () => !(await alive()), { what: 'the silent session ended on the server', timeoutMs: 2_000, intervalMs: 50 });
    } finally {
      await proxied.close();
      await direct.end();
      await proxy.stop();
    }
  });

  it('reports health', async () => {
    await expect(client.isHealthy()).resolves.toBe(true);
    await client.close();
    await expect(client.isHealthy()).resolves.toBe(false);
  });
});
