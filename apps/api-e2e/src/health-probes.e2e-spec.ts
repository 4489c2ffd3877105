import { Client } from 'pg';
import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { TcpProxy, TestDatabase, cleanupRedisPrefix, createTestDatabase, sleep, testRedisPrefix, testRedisUrl, waitFor } from '@binance-rates/testing';
import { ServiceProcess, startService } from './support/service-process';
import { serviceEnv } from './support/service-env';

interface ProbeBody {
  status: 'ok' | 'fail';
  checks: Record<string, { ok: boolean; reason?: string; warning?: string; since?: string }>;
}

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'C001USDT'];

/**
 * The two probes against the built service, PostgreSQL reached through a proxy that can be cut: a short outage of a
 * store takes the instance out of traffic (/health/ready 503, naming the store) but never asks for a restart
 * (/health/live 200 throughout), and readiness returns with the store.
 */
describe('health probes', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let pgProxy: TcpProxy;
  let service: ServiceProcess;
  const prefix = testRedisPrefix();

  async function probe(path: '/health/live' | '/health/ready'): Promise<{ status: number; body: ProbeBody }> {
    const response = await fetch(`${service.baseUrl}${path}`);
    return { status: response.status, body: (await response.json()) as ProbeBody };
  }

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, tradesPerSecondPerSymbol: 20 });
    database = await createTestDatabase();
    const sql = new Client({ connectionString: database.url });
    await sql.connect();
    await sql.query('INSERT INTO tracked_symbol (symbol) SELECT unnest($1::text[])', [SYMBOLS]);
    await sql.end();
    const proxied = await TcpProxy.inFrontOf(database.url);
    pgProxy = proxied.proxy;
    service = await startService({
      ...serviceEnv({ databaseUrl: proxied.url, redisKeyPrefix: prefix, emulator }),
    });
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await pgProxy?.stop();
    await emulator?.close();
    await database?.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
  });

  it('answers 200 on both probes once the streams are live, every check listed', async () => {
    await waitFor(async () => (await probe('/health/ready')).status === 200, { timeoutMs: 10_000, intervalMs: 50, what: 'ready' });
    const ready = await probe('/health/ready');
    expect(ready.body.status).toBe('ok');
    expect(Object.keys(ready.body.checks).sort()).toEqual(
      ['binanceRest', 'historyBacklog', 'historyWrites', 'latestPriceWrites', 'postgres', 'redis', 'streams'].sort(),
    );
    const live = await probe('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({
      status: 'ok',
      checks: {
        eventLoop: { ok: true },
        ownershipRound: { ok: true },
        trackedListRefresh: { ok: true },
        historyWrites: { ok: true },
        latestPriceFlush: { ok: true },
        backfillPage: { ok: true },
      },
    });
  });

  it('with PostgreSQL cut: not ready, naming postgres, yet live throughout; ready again once it is back', async () => {
    await pgProxy.cut();
    try {
      await waitFor(async () => (await probe('/health/ready')).status === 503, { timeoutMs: 5_000, intervalMs: 50, what: 'not ready' });
      const ready = await probe('/health/ready');
      expect(ready.body.status).toBe('fail');
      expect(ready.body.checks['postgres']).toMatchObject({ ok: false, reason: expect.stringContaining('PostgreSQL') });
      expect(ready.body.checks['redis']).toEqual({ ok: true });
      // Trades keep arriving; their history writes fail, are held and retried: a "no" with since when.
      await waitFor(async () => (await probe('/health/ready')).body.checks['historyWrites'].ok === false, {
        timeoutMs: 3_000,
        intervalMs: 50,
        what: 'history writes reported failing',
      });
      for (let round = 0; round < 8; round += 1) {
        const live = await probe('/health/live');
        expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
        await sleep(250);
      }
    } finally {
      await pgProxy.restore();
    }
    await waitFor(async () => (await probe('/health/ready')).status === 200, { timeoutMs: 15_000, intervalMs: 50, what: 'ready again' });
    expect((await probe('/health/live')).status).toBe(200);
  });

  it('documents both probes in OpenAPI with their 200 and 503 answers and the body schema', async () => {
    const document = (await (await fetch(`${service.baseUrl}/api-json`)).json()) as {
      paths: Record<string, { get: { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> } }>;
    };
    for (const [path, schema] of [
      ['/health/live', 'LivenessResponseDto'],
      ['/health/ready', 'ReadinessResponseDto'],
    ]) {
      const { responses } = document.paths[path].get;
      expect(Object.keys(responses)).toEqual(expect.arrayContaining(['200', '503']));
      expect(responses['503'].content?.['application/json'].schema.$ref).toBe(`#/components/schemas/${schema}`);
    }
  });

  it('keeps /health as it was: its own body, 200 when everything is ready', async () => {
    const response = await fetch(`${service.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', healthy: true, postgres: { up: true }, redis: { up: true }, stream: { ready: true } });
  });
});
