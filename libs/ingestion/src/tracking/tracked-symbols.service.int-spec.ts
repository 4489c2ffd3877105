import { Client } from 'pg';
import { DatabaseClient, TrackedSymbolRepository } from '@binance-rates/storage';
import { TcpProxy, TestDatabase, createTestDatabase, testConfig, waitFor } from '@binance-rates/testing';
import { TrackedSymbolsService } from './tracked-symbols.service';

describe('TrackedSymbolsService (real PostgreSQL behind a proxy)', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let direct: Client;
  let db: DatabaseClient;
  let service: TrackedSymbolsService;

  beforeEach(async () => {
    database = await createTestDatabase();
    direct = new Client({ connectionString: database.url });
    await direct.connect();
    const proxied = await TcpProxy.inFrontOf(database.url);
    proxy = proxied.proxy;
    db = new DatabaseClient(
      testConfig({ database: { url: proxied.url, poolSize: 3, connectTimeoutMs: 1_000, statementTimeoutMs: 500, callTimeoutMs: 1_000 } }),
    );
    service = new TrackedSymbolsService(new TrackedSymbolRepository(db));
  });

  afterEach(async () => {
    service.stop();
    // Connections still stuck on a silent socket (without the fix) would hold the pool's end forever.
    await Promise.race([db.close(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    await proxy.stop();
    await direct.end();
    await database.drop();
  });

  it('keeps refreshing after every open connection goes silent: a symbol added elsewhere shows up', async () => {
    await direct.query("INSERT INTO tracked_symbol (symbol) VALUES ('BTCUSDT')");
    await service.start();
    expect(service.list()).toEqual(['BTCUSDT']);
    proxy.silence();
    await direct.query("INSERT INTO tracked_symbol (symbol) VALUES ('ETHUSDT')");
    // Generous against the 1 s call timeout: a refresh stuck on a silent connection must end and a later one run.
    await waitFor(() => service.list().includes('ETHUSDT'), { what: 'the symbol added elsewhere in the list', timeoutMs: 10_000, intervalMs: 50 });
    expect(service.list()).toEqual(['BTCUSDT', 'ETHUSDT']);
  });

  it('keeps refreshing when PostgreSQL refused the first load at start: the list arrives once it answers', async () => {
    await direct.query("INSERT INTO tracked_symbol (symbol) VALUES ('BTCUSDT')");
    await proxy.cut();
    await expect(service.start()).rejects.toThrow();
    expect(service.list()).toEqual([]);
    await proxy.restore();
    await waitFor(() => service.list().includes('BTCUSDT'), { what: 'the tracked list loaded after the failed start', timeoutMs: 10_000, intervalMs: 50 });
  });
});
