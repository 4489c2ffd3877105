import { IncomingHttpHeaders, request } from 'node:http';
import { Client } from 'pg';
import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { TestDatabase, cleanupRedisPrefix, createEmptyDatabase, sleep, testRedisPrefix, testRedisUrl, waitFor } from '@binance-rates/testing';
import { ServiceProcess, startService } from './support/service-process';
import { serviceEnv } from './support/service-env';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown> | unknown[] | string;
}

interface HeldStream {
  status: number;
  body: Record<string, unknown> | null;
  close(): void;
}

/**
 * The abuse limits of the built service: requests per client (429), history reads per instance (503) and live-push
 * follows per instance (503). Each client is its own loopback address (Linux routes all of 127.0.0.0/8 to lo), so
 * one test using up a client's requests does not hold the others back.
 */
describe('binance-rates abuse limits over HTTP (built service + emulator + real PostgreSQL and Redis)', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let service: ServiceProcess;
  const prefix = testRedisPrefix();
  const burst = 100;

  /** A request from the loopback address `from`, on a connection of its own. */
  function send(method: string, path: string, from: string, body?: unknown): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const outgoing = request(
        {
          host: '127.0.0.1',
          port: service.port,
          method,
          path,
          localAddress: from,
          agent: false,
          timeout: 10_000,
          headers: payload === undefined ? {} : { 'content-type': 'application/json' },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            const json = String(response.headers['content-type']).startsWith('application/json') && text !== '';
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: json ? JSON.parse(text) : text });
          });
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${path} from ${from} timed out`)));
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  /** Opens a live push from `from`; an error answer is read whole, a stream is held until closed. */
  function openStream(path: string, from: string): Promise<HeldStream> {
    return new Promise((resolve, reject) => {
      const outgoing = request({ host: '127.0.0.1', port: service.port, path, localAddress: from, agent: false }, (response) => {
        const status = response.statusCode ?? 0;
        if (status === 200) {
          resolve({ status, body: null, close: () => outgoing.destroy() });
          return;
        }
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status, body: JSON.parse(text), close: () => undefined }));
      });
      outgoing.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
      outgoing.end();
    });
  }

  /** Sends GET `path` from `from` until the first answer that is not `okStatus`; returns it and how many came before. */
  async function untilRefused(path: string, from: string, okStatus = 200): Promise<{ allowed: number; refusal: Answer }> {
    for (let allowed = 0; allowed < burst * 2; allowed += 1) {
      const answer = await send('GET', path, from);
      if (answer.status !== okStatus) {
        return { allowed, refusal: answer };
      }
    }
    throw new Error(`${burst * 2} requests to ${path} from ${from} were all answered ${okStatus}`);
  }

  function expectRateLimited(refusal: Answer): void {
    expect(refusal.status).toBe(429);
    expect(refusal.headers['retry-after']).toBe('1');
    expect(refusal.headers['content-type']).toMatch(/^application\/json/);
    expect(refusal.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringContaining('RATE_LIMIT_PER_SECOND'), code: 'RATE_LIMITED' });
  }

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, tradesPerSecondPerSymbol: 10, seed: 12 });
    database = await createEmptyDatabase();
    service = await startService({
      ...serviceEnv({ databaseUrl: database.url, redisKeyPrefix: prefix, emulator }),
      LOG_LEVEL: 'warn',
      // One request a second after a burst: the test's clients use a burst up quickly and then wait a whole second.
      RATE_LIMIT_PER_SECOND: '1',
      RATE_LIMIT_BURST: String(burst),
      HISTORY_READ_CONCURRENCY: '1',
      PRICE_PUSH_MAX_FOLLOWS: '1',
    });
    expect((await send('POST', '/api/currency', '127.0.0.10', { symbol: 'BTCUSDT' })).status).toBe(201);
    await waitFor(async () => ((await send('GET', '/api/currency/BTCUSDT', '127.0.0.10')).body as { price: unknown }).price !== null, {
      timeoutMs: 5_000,
      intervalMs: 100,
      what: 'the first BTCUSDT price',
    });
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await emulator?.close();
    await database?.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
  });

  it('answers 429 with Retry-After and a JSON body on the price fast path once a client has used its burst; other clients, /health and /metrics go on', async () => {
    const { allowed, refusal } = await untilRefused('/api/currency/BTCUSDT', '127.0.0.2');
    expect(allowed).toBeGreaterThanOrEqual(burst);
    expect(allowed).toBeLessThanOrEqual(burst + 2);
    expectRateLimited(refusal);
    expect((await send('GET', '/api/currency/BTCUSDT', '127.0.0.2')).status).toBe(429);
    expect((await send('GET', '/api/currency/BTCUSDT', '127.0.0.3')).status).toBe(200);
    expect((await send('GET', '/health', '127.0.0.2')).status).not.toBe(429);
    expect((await send('GET', '/metrics', '127.0.0.2')).status).toBe(200);
    await sleep(1_100);
    expect((await send('GET', '/api/currency/BTCUSDT', '127.0.0.2')).status).toBe(200);
  });

  it('answers 429 the same way on a framework route, counting a live push as one request, and declares it in OpenAPI', async () => {
    const stream = await openStream('/api/currencies/stream', '127.0.0.4');
    expect(stream.status).toBe(200);
    stream.close();
    const { allowed, refusal } = await untilRefused('/api/currencies', '127.0.0.4');
    expect(allowed).toBeGreaterThanOrEqual(burst - 1);
    expect(allowed).toBeLessThanOrEqual(burst + 1);
    expectRateLimited(refusal);
    const refusedStream = await openStream('/api/currencies/stream', '127.0.0.4');
    expect({ status: refusedStream.status, code: refusedStream.body?.['code'] }).toEqual({ status: 429, code: 'RATE_LIMITED' });

    const spec = (await send('GET', '/api-json', '127.0.0.5')).body as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const [path, method] of [['/api/currency/{symbol}', 'get'], ['/api/currencies', 'get'], ['/api/currency', 'post'], ['/api/currencies/stream', 'get']]) {
      expect({ path, declared: Object.keys(spec.paths[path][method].responses) }).toEqual({ path, declared: expect.arrayContaining(['429']) });
    }
  });

  it('serves at most HISTORY_READ_CONCURRENCY trade pages and gap reads at once, queues 64 more, and answers 503 HISTORY_READS_BUSY beyond', async () => {
    const locker = new Client({ connectionString: database.url });
    await locker.connect();
    let stalled: Promise<Answer>[] = [];
    try {
      // A lock taken elsewhere holds the one read in PostgreSQL; the next 64 wait in the gate.
      await locker.query('BEGIN; LOCK TABLE trade_run, trade_block IN ACCESS EXCLUSIVE MODE');
      stalled = Array.from({ length: 65 }, () => send('GET', '/api/currency/BTCUSDT/trades?limit=1', '127.0.0.6'));
      await sleep(1_000);
      const trades = await send('GET', '/api/currency/BTCUSDT/trades?limit=1', '127.0.0.6');
      expect({ status: trades.status, body: trades.body }).toEqual({
        status: 503,
        body: { statusCode: 503, error: 'Service Unavailable', message: expect.stringContaining('history reads'), code: 'HISTORY_READS_BUSY' },
      });
      const gaps = await send('GET', '/api/currency/BTCUSDT/gaps', '127.0.0.6');
      expect({ status: gaps.status, code: (gaps.body as { code?: string }).code }).toEqual({ status: 503, code: 'HISTORY_READS_BUSY' });
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    const answered = await Promise.all(stalled);
    expect(answered.map((answer) => answer.status)).toEqual(answered.map(() => 200));
    expect((await send('GET', '/api/currency/BTCUSDT/gaps', '127.0.0.6')).status).toBe(200);

    const spec = (await send('GET', '/api-json', '127.0.0.7')).body as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(Object.keys(spec.paths['/api/currency/{symbol}/trades'].get.responses)).toContain('503');
    expect(Object.keys(spec.paths['/api/currency/{symbol}/gaps'].get.responses)).toContain('503');
  });

  it('counts a live-push client following every symbol at every tracked symbol, and answers 503 PUSH_FOLLOWS_FULL beyond PRICE_PUSH_MAX_FOLLOWS', async () => {
    const everySymbol = await openStream('/api/currencies/stream', '127.0.0.8');
    expect(everySymbol.status).toBe(200);
    try {
      await waitFor(async () => (await metricValue('binance_rates_price_push_clients')) === 1, { timeoutMs: 2_000, intervalMs: 50, what: 'one live-push client' });
      const named = await openStream('/api/currencies/stream?symbols=BTCUSDT', '127.0.0.9');
      expect({ status: named.status, code: named.body?.['code'] }).toEqual({ status: 503, code: 'PUSH_FOLLOWS_FULL' });
      expect(named.body?.['message']).toContain('PRICE_PUSH_MAX_FOLLOWS');
    } finally {
      everySymbol.close();
    }
    await waitFor(async () => (await metricValue('binance_rates_price_push_clients')) === 0, { timeoutMs: 2_000, intervalMs: 50, what: 'no live-push client' });
    const named = await openStream('/api/currencies/stream?symbols=BTCUSDT', '127.0.0.9');
    expect(named.status).toBe(200);
    named.close();
  });

  async function metricValue(name: string): Promise<number> {
    const text = (await send('GET', '/metrics', '127.0.0.11')).body as string;
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
    if (line === undefined) throw new Error(`no sample ${name} in /metrics`);
    return Number(line.slice(name.length + 1));
  }
});
