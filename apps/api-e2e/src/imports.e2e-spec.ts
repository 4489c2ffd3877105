import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { TestDatabase, cleanupRedisPrefix, createEmptyDatabase, testRedisPrefix, testRedisUrl, waitFor } from '@binance-rates/testing';
import { ServiceProcess, startService } from './support/service-process';
import { serviceEnv } from './support/service-env';

const PER_DAY = 2_000;

interface Import {
  id: number;
  symbol: string;
  from: string;
  to: string;
  status: string;
  filesTotal: number;
  filesDone: number;
  missingFiles: string[];
  tradesStored: number;
  tradesPerSecond: number | null;
  error: string | null;
}

/** History imports over HTTP: the built service, the emulator's archive, real PostgreSQL and Redis. */
describe('history imports over HTTP (built service + emulator archive)', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let service: ServiceProcess;
  const prefix = testRedisPrefix();
  const apiKey = 'e2e-import-key-0123456789';

  async function call(method: string, path: string, body?: unknown, { key = apiKey as string | null } = {}) {
    const headers: Record<string, string> = body !== undefined ? { 'content-type': 'application/json' } : {};
    if (key !== null) headers['authorization'] = `Bearer ${key}`;
    const response = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  beforeAll(async () => {
    emulator = await startEmulator({
      tradesPerSecondPerSymbol: 5,
      archiveTradesPerDay: PER_DAY,
      symbols: [
        { symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', startPrice: '43000.00', listedSince: '2024-01-01' },
        { symbol: 'ETHUSDT', status: 'TRADING', baseAsset: 'ETH', quoteAsset: 'USDT', startPrice: '2300.00', listedSince: '2024-01-01' },
      ],
    });
    database = await createEmptyDatabase();
    service = await startService({ ...serviceEnv({ databaseUrl: database.url, redisKeyPrefix: prefix, emulator }), API_KEYS: apiKey });
    expect((await call('POST', '/api/currency', { symbol: 'BTCUSDT' })).status).toBe(201);
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await emulator?.close();
    await database?.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
  });

  it('imports days of a tracked symbol: 202, then followed to done with its trades served and a missing day reported', async () => {
    emulator.makeArchiveFileMissing('BTCUSDT', '2024-01-03');
    const created = await call('POST', '/api/currency/btcusdt/imports', { from: '2024-01-01', to: '2024-01-04' });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ symbol: 'BTCUSDT', from: '2024-01-01', to: '2024-01-04', status: 'queued', filesTotal: 4, filesDone: 0 });
    const id = (created.body as Import).id;
    const done = await waitFor(
      async () => {
        const { body } = await call('GET', `/api/currency/BTCUSDT/imports/${id}`);
        return (body as Import).status === 'done' ? (body as Import) : null;
      },
      { what: 'the import done', timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(done).toMatchObject({ filesDone: 4, missingFiles: ['BTCUSDT-aggTrades-2024-01-03.zip'], tradesStored: 3 * PER_DAY, error: null });
    expect(done.tradesPerSecond).toBeGreaterThan(0);
    const page = await call('GET', `/api/currency/BTCUSDT/trades?fromId=${2 * PER_DAY - 2}&limit=4`);
    expect((page.body as Array<{ tradeId: number }>).map((trade) => trade.tradeId)).toEqual([2 * PER_DAY - 2, 2 * PER_DAY - 1, 3 * PER_DAY, 3 * PER_DAY + 1]);
    const listed = await call('GET', '/api/currency/BTCUSDT/imports');
    expect((listed.body as Import[]).map((item) => item.id)).toEqual([id]);
    // An import that has ended is answered as it is.
    expect((await call('DELETE', `/api/currency/BTCUSDT/imports/${id}`)).body).toMatchObject({ id, status: 'done' });
  });

  it('cancels an import', async () => {
    const { body } = await call('POST', '/api/currency/BTCUSDT/imports', { from: '2024-02-01', to: '2024-02-20' });
    const cancelled = await call('DELETE', `/api/currency/BTCUSDT/imports/${(body as Import).id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
  });

  it.each([
    ['no API key', 'POST', '/api/currency/BTCUSDT/imports', { from: '2024-01-01', to: '2024-01-02' }, null, 401],
    ['a body without days', 'POST', '/api/currency/BTCUSDT/imports', {}, apiKey, 400],
    ['an unknown field', 'POST', '/api/currency/BTCUSDT/imports', { from: '2024-01-01', to: '2024-01-02', force: true }, apiKey, 400],
    ['a body that is not JSON', 'POST', '/api/currency/BTCUSDT/imports', '{"from":', apiKey, 400],
    ['a day that does not exist', 'POST', '/api/currency/BTCUSDT/imports', { from: '2024-02-30', to: '2024-03-01' }, apiKey, 400],
    ['days in the wrong order', 'POST', '/api/currency/BTCUSDT/imports', { from: '2024-03-02', to: '2024-03-01' }, apiKey, 400],
    ['a day in the future', 'POST', '/api/currency/BTCUSDT/imports', { from: '2024-01-01', to: '2099-01-01' }, apiKey, 400],
    ['more days than one import takes', 'POST', '/api/currency/BTCUSDT/imports', { from: '2018-01-01', to: '2024-01-01' }, apiKey, 400],
    ['a symbol not tracked', 'POST', '/api/currency/ETHUSDT/imports', { from: '2024-01-01', to: '2024-01-02' }, apiKey, 404],
    ['a junk symbol', 'GET', '/api/currency/B$/imports', undefined, apiKey, 400],
    ['an id that is not a number', 'GET', '/api/currency/BTCUSDT/imports/abc', undefined, apiKey, 400],
    ['an id too large', 'GET', '/api/currency/BTCUSDT/imports/99999999999', undefined, apiKey, 400],
    ['an unknown import', 'GET', '/api/currency/BTCUSDT/imports/999999', undefined, apiKey, 404],
    ['the imports of a symbol not tracked', 'GET', '/api/currency/ETHUSDT/imports', undefined, apiKey, 404],
    ['a cancel without a key', 'DELETE', '/api/currency/BTCUSDT/imports/1', undefined, null, 401],
  ])('answers %s with a JSON error', async (_label, method, path, body, key, status) => {
    const answer = await call(method, path, body, { key });
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual(expect.objectContaining({ statusCode: status, error: expect.any(String), message: expect.any(String) }));
  });

  it('documents the import routes in OpenAPI', async () => {
    const { body } = await call('GET', '/api-json');
    const paths = body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    expect(Object.keys(paths['/api/currency/{symbol}/imports'].post.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '404', '429']));
    expect(Object.keys(paths['/api/currency/{symbol}/imports/{id}'].get.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
    expect(Object.keys(paths['/api/currency/{symbol}/imports/{id}'].delete.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
  });
});
