import { connect } from 'node:net';
import { Client } from 'pg';
import type { AggTrade } from '@binance-rates/domain';
import { BREAK_SYMBOL, BinanceEmulator, HALTED_SYMBOL, startEmulator } from '@binance-rates/emulator';
import { TestDatabase, cleanupRedisPrefix, createEmptyDatabase, sleep, testRedisPrefix, testRedisUrl, waitFor } from '@binance-rates/testing';
import { ServiceProcess, startService } from './support/service-process';
import { serviceEnv } from './support/service-env';

interface Currency {
  symbol: string;
  price: string | null;
  tradeId: number | null;
  tradeTime: number | null;
  ageMs: number | null;
  streamLive: boolean | null;
}

type Trade = Omit<AggTrade, 'symbol'>;

interface ServerSentEvent {
  event: string;
  data: Record<string, unknown>;
}

/**
 * Boots the built service as its own process against an empty database (migrated at startup), a private Redis key
 * prefix and the Binance emulator, and drives every route over HTTP.
 */
describe('binance-rates over HTTP (built service + emulator + real PostgreSQL and Redis)', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let service: ServiceProcess;
  const prefix = testRedisPrefix();
  let env: Record<string, string>;
  // Two keys, as during a rotation; the tests' own calls present the first.
  const apiKey = 'e2e-key-current-0123456789';
  const rotatedApiKey = 'e2e-key-previous-9876543210';

  async function call(method: string, path: string, body?: unknown, raw?: string) {
    const authorization = `Bearer ${apiKey}`;
    const response = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json', authorization } : { authorization },
      body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, contentType: response.headers.get('content-type') };
  }

  function expectErrorBody(body: unknown, statusCode: number): void {
    expect(body).toEqual(expect.objectContaining({ statusCode, error: expect.any(String), message: expect.any(String) }));
  }

  async function storedTrades(symbol: string, fromId: number): Promise<Trade[]> {
    const all: Trade[] = [];
    let cursor = fromId;
    for (;;) {
      const page = await call('GET', `/api/currency/${symbol}/trades?fromId=${cursor}&limit=1000`);
      expect(page.status).toBe(200);
      all.push(...(page.body as Trade[]));
      if ((page.body as Trade[]).length < 1000) return all;
      cursor = all[all.length - 1].tradeId + 1;
    }
  }

  function expectContiguousAndExact(symbol: string, trades: Trade[]): void {
    expect(trades.length).toBeGreaterThan(0);
    trades.forEach((trade, index) => {
      if (index > 0) expect(trade.tradeId).toBe(trades[index - 1].tradeId + 1);
      const sent = emulator.tradeById(symbol, trade.tradeId);
      expect(sent).toBeDefined();
      expect(trade).toEqual({
        tradeId: sent?.aggTradeId,
        price: sent?.price,
        quantity: sent?.quantity,
        firstTradeId: sent?.firstTradeId,
        lastTradeId: sent?.lastTradeId,
        tradeTime: sent?.tradeTime,
        isBuyerMaker: sent?.isBuyerMaker,
      });
    });
  }

  /** The value of one unlabelled Prometheus sample from GET /metrics. */
  async function metric(name: string): Promise<number> {
    const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
    if (line === undefined) throw new Error(`no sample ${name} in /metrics`);
    return Number(line.slice(name.length + 1));
  }

  /** Opens a Server-Sent Events stream and collects its events as they arrive, comments skipped. */
  async function openEvents(path: string) {
    const abort = new AbortController();
    const response = await fetch(`${service.baseUrl}${path}`, { signal: abort.signal });
    const events: ServerSentEvent[] = [];
    let ended = false;
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
            const lines = buffer.slice(0, end).split('\n').filter((line) => !line.startsWith(':'));
            buffer = buffer.slice(end + 2);
            const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length);
            const data = lines.find((line) => line.startsWith('data: '))?.slice('data: '.length);
            if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) });
          }
        }
      } catch (error) {
        if (!abort.signal.aborted) throw error;
      }
      ended = true;
    })();
    return {
      response,
      events,
      ended: () => ended,
      waitFor: (what: string, match: (events: ServerSentEvent[]) => boolean, timeoutMs = 5_000) =>
        waitFor(() => match(events), { timeoutMs, intervalMs: 20, what }),
      close: async () => {
        abort.abort();
        await reading;
      },
    };
  }

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, tradesPerSecondPerSymbol: 20, seed: 7 });
    database = await createEmptyDatabase();
    env = {
      ...serviceEnv({ databaseUrl: database.url, redisKeyPrefix: prefix, emulator }),
      CORS_ORIGINS: 'http://dashboard.test',
      API_KEYS: `${apiKey},${rotatedApiKey}`,
      LOG_FORMAT: 'json',
      CANDLES_TIMEOUT_MS: '1000',
    };
    service = await startService(env);
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await emulator?.close();
    await database?.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
  });

  it('serves Swagger UI at /api and an OpenAPI document that lists every route with its error responses', async () => {
    const ui = await fetch(`${service.baseUrl}/api`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    // The UI's own files come through @fastify/static (whose content-disposition asks for Node 22): they must load.
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-ui-init.js']) {
      const response = await fetch(`${service.baseUrl}/api/${asset}`);
      expect({ asset, status: response.status, empty: (await response.text()).length === 0 }).toEqual({ asset, status: 200, empty: false });
    }
    const { status, body } = await call('GET', '/api-json');
    expect(status).toBe(200);
    const paths = body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/currency',
        '/api/currency/{symbol}',
        '/api/currencies',
        '/api/currency/{symbol}/trades',
        '/api/currency/{symbol}/candles',
        '/api/currencies/stream',
        '/health',
        '/metrics',
      ]),
    );
    expect(Object.keys(paths['/api/currency'].post.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '422']));
    expect(Object.keys(paths['/api/currency/{symbol}'].get.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
    expect(Object.keys(paths['/api/currency/{symbol}'].delete.responses)).toEqual(expect.arrayContaining(['204', '404']));
    expect(Object.keys(paths['/api/currency/{symbol}/trades'].get.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
    expect(Object.keys(paths['/api/currency/{symbol}/gaps'].get.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
    expect(Object.keys(paths['/api/currency/{symbol}/candles'].get.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '422', '503']));
    expect(Object.keys(paths['/health'].get.responses)).toEqual(expect.arrayContaining(['200', '503']));
    expect(Object.keys(paths['/api/currencies/stream'].get.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '503']));
  });

  it('reports health: PostgreSQL, Redis and the stream ready', async () => {
    const { status, body } = await call('GET', '/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ healthy: true, postgres: { up: true }, redis: { up: true }, stream: { ready: true } });
  });

  it('logs one JSON object per line with LOG_FORMAT=json, the line naming its port included', () => {
    const lines = service.output().split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(3);
    const entries = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
    for (const entry of entries) {
      expect(entry).toEqual(expect.objectContaining({ level: expect.any(String), pid: expect.any(Number), timestamp: expect.any(Number), message: expect.anything() }));
    }
    expect(entries).toContainEqual(expect.objectContaining({ context: 'NestApplication', message: 'Nest application successfully started' }));
    expect(entries).toContainEqual(expect.objectContaining({ context: 'Main', message: expect.stringMatching(/listening on http:\/\/.+:\d+/) }));
  });

  it('adds a symbol given in lower case (201), then again idempotently (200), and its first price is readable within 2 s', async () => {
    const added = await call('POST', '/api/currency', { symbol: 'btcusdt' });
    const addedAt = Date.now();
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ symbol: 'BTCUSDT' });

    const again = await call('POST', '/api/currency', { symbol: 'BTCUSDT' });
    expect(again.status).toBe(200);
    expect(again.body.symbol).toBe('BTCUSDT');

    const priced = await waitFor(
      async () => {
        const { body } = await call('GET', '/api/currency/btcusdt');
        return (body as Currency).price !== null ? (body as Currency) : null;
      },
      { timeoutMs: 2_000, intervalMs: 20, what: 'the first price' },
    );
    expect(Date.now() - addedAt).toBeLessThanOrEqual(2_000);
    expect(priced.price).toBe(emulator.tradeById('BTCUSDT', priced.tradeId as number)?.price);
    expect(priced.tradeTime).toBe(emulator.tradeById('BTCUSDT', priced.tradeId as number)?.tradeTime);
    expect(priced.streamLive).toBe(true);
    expect(priced.ageMs).toEqual(expect.any(Number));
  });

  it('rejects malformed bodies and symbols with 400 and a JSON body that says what was wrong', async () => {
    const cases: Array<{ body?: unknown; raw?: string; mentions: RegExp }> = [
      { body: {}, mentions: /symbol/ },
      { body: { symbol: 'B' }, mentions: /symbol/ },
      { body: { symbol: 'BTC-USDT' }, mentions: /symbol/ },
      { body: { symbol: 42 }, mentions: /symbol/ },
      { body: { symbol: 'A'.repeat(21) }, mentions: /symbol/ },
      { body: { symbol: 'ETHUSDT', extra: true }, mentions: /extra/ },
      { raw: '{"symbol":', mentions: /JSON/i },
      { body: ['BTCUSDT'], mentions: /./ },
    ];
    for (const testCase of cases) {
      const { status, body, contentType } = await call('POST', '/api/currency', testCase.body, testCase.raw);
      expect(status).toBe(400);
      expect(contentType).toContain('application/json');
      expectErrorBody(body, 400);
      expect(body.message).toMatch(testCase.mentions);
    }
  });

  it('refuses unknown and non-TRADING symbols with 422', async () => {
    for (const symbol of ['NOSUCHSYMBOL', HALTED_SYMBOL, BREAK_SYMBOL]) {
      const { status, body } = await call('POST', '/api/currency', { symbol });
      expect(status).toBe(422);
      expectErrorBody(body, 422);
      expect(body.message).toContain(symbol);
    }
    const { body } = await call('GET', '/api/currencies');
    expect((body as Currency[]).map((currency) => currency.symbol)).not.toContain(HALTED_SYMBOL);
  });

  it('answers 404 for a symbol that is not tracked and 400 for junk symbols, never 500', async () => {
    expect((await call('GET', '/api/currency/ETHBTC')).status).toBe(404);
    expectErrorBody((await call('GET', '/api/currency/ETHBTC')).body, 404);
    for (const junk of ['%00', 'a', 'BTC-USDT', '%F0%9F%92%A9', 'x'.repeat(300), '..%2F..']) {
      const { status, body } = await call('GET', `/api/currency/${junk}`);
      expect([400, 404]).toContain(status);
      expectErrorBody(body, status);
      const trades = await call('GET', `/api/currency/${junk}/trades`);
      expect([400, 404]).toContain(trades.status);
    }
    const unknownRoute = await call('GET', '/api/nothing-here');
    expect(unknownRoute.status).toBe(404);
    expectErrorBody(unknownRoute.body, 404);
  });

  it('lists tracked symbols with their latest prices', async () => {
    expect((await call('POST', '/api/currency', { symbol: 'ETHUSDT' })).status).toBe(201);
    const list = await waitFor(
      async () => {
        const { body } = await call('GET', '/api/currencies');
        const currencies = body as Currency[];
        return currencies.length === 2 && currencies.every((currency) => currency.price !== null) ? currencies : null;
      },
      { timeoutMs: 5_000, intervalMs: 50, what: 'prices for both symbols' },
    );
    expect(list.map((currency) => currency.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    for (const currency of list) {
      expect(currency.price).toBe(emulator.tradeById(currency.symbol, currency.tradeId as number)?.price);
    }
  });

  it('stores every trade exactly, with contiguous ids, and filters by fromId, time and limit', async () => {
    await sleep(1_500);
    const first = await call('GET', '/api/currency/BTCUSDT/trades?limit=1');
    expect(first.status).toBe(200);
    const firstId = (first.body as Trade[])[0].tradeId;
    const trades = await storedTrades('BTCUSDT', firstId);
    expect(trades.length).toBeGreaterThan(20);
    expectContiguousAndExact('BTCUSDT', trades);

    const limited = await call('GET', `/api/currency/btcusdt/trades?fromId=${firstId + 5}&limit=3`);
    expect((limited.body as Trade[]).map((trade) => trade.tradeId)).toEqual([firstId + 5, firstId + 6, firstId + 7]);

    const middle = trades[Math.floor(trades.length / 2)];
    const timed = await call('GET', `/api/currency/BTCUSDT/trades?startTime=${middle.tradeTime}&endTime=${middle.tradeTime}`);
    expect((timed.body as Trade[]).length).toBeGreaterThan(0);
    expect((timed.body as Trade[]).every((trade) => trade.tradeTime === middle.tradeTime)).toBe(true);

    const defaultLimit = await call('GET', '/api/currency/BTCUSDT/trades');
    expect((defaultLimit.body as Trade[]).length).toBeLessThanOrEqual(500);
  });

  it('rejects bad trade queries with 400 and never-tracked symbols with 404', async () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'fromId=-1', 'fromId=1.5', 'startTime=yesterday', 'startTime=10&endTime=5', 'bogus=1']) {
      const { status, body } = await call('GET', `/api/currency/BTCUSDT/trades?${query}`);
      expect({ query, status }).toEqual({ query, status: 400 });
      expectErrorBody(body, 400);
    }
    const never = await call('GET', '/api/currency/XRPUSDT/trades');
    expect(never.status).toBe(404);
    expectErrorBody(never.body, 404);
  });

  it('serves candles that match the stored trades exactly, and rejects bad candle queries', async () => {
    const stored = await storedTrades('BTCUSDT', 0);
    const first = stored[0];
    const last = stored[stored.length - 1];
    // Prices and quantities in units of 1e-8, products in 1e-16, so the expected sums are exact.
    const units = (text: string): bigint => {
      const [whole, fraction = ''] = text.split('.');
      return BigInt(whole + fraction.padEnd(8, '0').slice(0, 8));
    };
    const decimal = (value: bigint, scale: number): string => {
      const digits = value.toString().padStart(scale + 1, '0');
      return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, '');
    };
    const bySecond = new Map<number, Trade[]>();
    for (const trade of stored) {
      const open = trade.tradeTime - (trade.tradeTime % 1000);
      bySecond.set(open, [...(bySecond.get(open) ?? []), trade]);
    }
    const takerBuys = (trades: Trade[]) => trades.filter((trade) => !trade.isBuyerMaker);
    const traded = [...bySecond.entries()].map(([openTime, trades]) => {
      const prices = trades.map((trade) => units(trade.price));
      const extreme = (pick: (a: bigint, b: bigint) => boolean) => trades[prices.reduce((best, price, i) => (pick(price, prices[best]) ? i : best), 0)].price;
      return {
        openTime,
        closeTime: openTime + 999,
        open: trades[0].price,
        high: extreme((a, b) => a > b),
        low: extreme((a, b) => a < b),
        close: trades[trades.length - 1].price,
        volume: decimal(trades.reduce((sum, trade) => sum + units(trade.quantity), 0n), 8),
        quoteVolume: decimal(trades.reduce((sum, trade) => sum + units(trade.price) * units(trade.quantity), 0n), 16),
        trades: trades.reduce((sum, trade) => sum + trade.lastTradeId - trade.firstTradeId + 1, 0),
        aggTrades: trades.length,
        takerBuyVolume: decimal(takerBuys(trades).reduce((sum, trade) => sum + units(trade.quantity), 0n), 8),
        takerBuyQuoteVolume: decimal(takerBuys(trades).reduce((sum, trade) => sum + units(trade.price) * units(trade.quantity), 0n), 16),
        firstTradeId: trades[0].tradeId as number | null,
        lastTradeId: trades[trades.length - 1].tradeId as number | null,
      };
    });
    // A quiet second between two trades is a zero-volume candle at the previous close, as Binance shows it.
    const expected: typeof traded = [];
    for (const candle of traded) {
      const previous = expected[expected.length - 1];
      for (let open = (previous?.openTime ?? candle.openTime) + 1000; previous && open < candle.openTime; open += 1000) {
        const price = previous.close;
        expected.push({
          openTime: open, closeTime: open + 999, open: price, high: price, low: price, close: price, volume: '0', quoteVolume: '0', trades: 0, aggTrades: 0,
          takerBuyVolume: '0', takerBuyQuoteVolume: '0', firstTradeId: null, lastTradeId: null,
        });
      }
      expected.push(candle);
    }
    // Trades keep arriving: the second holding the last one read may gain more, so it is left out of the comparison.
    const lastOpen = last.tradeTime - (last.tradeTime % 1000);
    const candles = await call('GET', `/api/currency/btcusdt/candles?interval=1s&startTime=${first.tradeTime}&endTime=${last.tradeTime}&limit=1000`);
    expect(candles.status).toBe(200);
    expect((candles.body as { openTime: number }[]).at(-1)?.openTime).toBe(lastOpen);
    expect((candles.body as { openTime: number }[]).filter((candle) => candle.openTime < lastOpen)).toEqual(expected.filter((candle) => candle.openTime < lastOpen));
    expect(expected.length).toBeGreaterThan(1);
    // The newest two intervals by default, the last one holding now; a minute candle sums them all.
    const latest = await call('GET', '/api/currency/BTCUSDT/candles?interval=1s&limit=2');
    expect((latest.body as { openTime: number }[]).every((candle) => candle.openTime >= Date.now() - 3_000)).toBe(true);
    // Minute candles come from the rollups the history writes keep.
    const minutes = await call('GET', `/api/currency/BTCUSDT/candles?interval=1m&startTime=${first.tradeTime}&endTime=${last.tradeTime}`);
    const counted = (minutes.body as { aggTrades: number; openTime: number }[]).reduce((sum, candle) => sum + candle.aggTrades, 0);
    expect(counted).toBeGreaterThanOrEqual(stored.length);

    for (const query of ['', 'interval=2m', 'interval=1y', 'interval=1m&limit=0', 'interval=1m&limit=1001', 'interval=1m&startTime=10&endTime=5', 'interval=1m&startTime=x', 'interval=1m&bogus=1']) {
      const { status, body } = await call('GET', `/api/currency/BTCUSDT/candles?${query}`);
      expect({ query, status }).toEqual({ query, status: 400 });
      expectErrorBody(body, 400);
    }
    expect((await call('GET', '/api/currency/BTCUSDT/candles?interval=2m')).body.message).toContain('interval must be one of 1s, 1m');
    const never = await call('GET', '/api/currency/XRPUSDT/candles?interval=1m');
    expect(never.status).toBe(404);
    expectErrorBody(never.body, 404);
  });

  it('answers 422 when candles cannot be computed within CANDLES_TIMEOUT_MS, and computes them again afterwards', async () => {
    // A lock taken elsewhere stalls the read past its timeout (history writes wait on it too, and catch up after).
    const locker = new Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN; LOCK TABLE candle_1m IN ACCESS EXCLUSIVE MODE');
      const asked = Date.now();
      const refused = await call('GET', '/api/currency/BTCUSDT/candles?interval=1m');
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 422, code: 'CANDLES_WINDOW_TOO_LARGE' });
      expectErrorBody(refused.body, 422);
      expect(Date.now() - asked).toBeLessThan(5_000);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    expect((await call('GET', '/api/currency/BTCUSDT/candles?interval=1m')).status).toBe(200);
  });

  it('lists no open gaps for a symbol whose history is complete, and 404s gaps of a never-tracked symbol', async () => {
    const gaps = await call('GET', '/api/currency/btcusdt/gaps');
    expect(gaps.status).toBe(200);
    expect(gaps.body).toEqual([]);
    expect((await call('GET', '/api/currency/XRPUSDT/gaps')).status).toBe(404);
    expect((await call('GET', '/api/currency/%00/gaps')).status).toBe(400);
  });

  it('pushes live prices as Server-Sent Events: the current ones at once, then each symbol that moves, exact', async () => {
    const stream = await openEvents('/api/currencies/stream?symbols=btcusdt,%20ETHUSDT,btcusdt');
    try {
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      await stream.waitFor('a current price for both symbols', (events) => new Set(events.map((event) => event.data.symbol)).size === 2);
      expect(stream.events.slice(0, 2).map((event) => event.data.symbol).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
      const firstBtc = stream.events.find((event) => event.data.symbol === 'BTCUSDT')?.data.tradeId as number;
      await stream.waitFor('a newer BTCUSDT price', (events) => events.some((event) => event.data.symbol === 'BTCUSDT' && (event.data.tradeId as number) > firstBtc));
      for (const { event, data } of stream.events) {
        expect(event).toBe('price');
        const sent = emulator.tradeById(data.symbol as string, data.tradeId as number);
        expect(data).toEqual({ symbol: data.symbol, price: sent?.price, tradeId: sent?.aggTradeId, tradeTime: sent?.tradeTime });
      }
      const btcIds = stream.events.filter((event) => event.data.symbol === 'BTCUSDT').map((event) => event.data.tradeId as number);
      expect(btcIds).toEqual([...btcIds].sort((a, b) => a - b));
      expect(new Set(btcIds).size).toBe(btcIds.length);
      expect(await metric('binance_rates_price_push_clients')).toBe(1);
    } finally {
      await stream.close();
    }
  });

  it('serves Prometheus metrics: trades persisted, symbols streamed and live, the process defaults', async () => {
    const response = await fetch(`${service.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^# HELP binance_rates_trades_persisted_total /m);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(await metric('binance_rates_trades_persisted_total')).toBeGreaterThan(20);
    expect(await metric('binance_rates_trades_shed_total')).toBe(0);
    expect(await metric('binance_rates_stream_symbols')).toBe(2);
    expect(await metric('binance_rates_stream_symbols_live')).toBe(2);
    // The live push client of the test before has hung up.
    await waitFor(async () => (await metric('binance_rates_price_push_clients')) === 0, { timeoutMs: 2_000, intervalMs: 50, what: 'no live push client' });
  });

  it('lets the configured browser origin read every kind of answer (CORS), and no other origin', async () => {
    const allowed = { origin: 'http://dashboard.test' };
    const read = async (path: string, headers: Record<string, string>, method = 'GET') => {
      const response = await fetch(`${service.baseUrl}${path}`, { method, headers, signal: AbortSignal.timeout(5_000) });
      await response.body?.cancel();
      return response;
    };
    for (const path of ['/api/currency/BTCUSDT', '/api/currencies', '/api/currency/NOSUCHUSDT']) {
      const response = await read(path, allowed);
      expect({ path, allowOrigin: response.headers.get('access-control-allow-origin') }).toEqual({ path, allowOrigin: 'http://dashboard.test' });
      expect(response.headers.get('vary')).toMatch(/Origin/i);
      const other = await read(path, { origin: 'http://elsewhere.test' });
      expect({ path, allowOrigin: other.headers.get('access-control-allow-origin') }).toEqual({ path, allowOrigin: null });
    }
    const preflight = await read('/api/currency', { ...allowed, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' }, 'OPTIONS');
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://dashboard.test');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const abort = new AbortController();
    const stream = await fetch(`${service.baseUrl}/api/currencies/stream?symbols=BTCUSDT`, { headers: allowed, signal: abort.signal });
    expect(stream.headers.get('access-control-allow-origin')).toBe('http://dashboard.test');
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    abort.abort();
  });

  it('refuses a live push of junk or untracked symbols with 400 and 404 and a JSON body, before streaming anything', async () => {
    for (const query of ['symbols=', 'symbols=,', 'symbols=BTC-USDT', 'symbols=BTCUSDT&symbols=ETHUSDT', 'bogus=1']) {
      const { status, body, contentType } = await call('GET', `/api/currencies/stream?${query}`);
      expect({ query, status }).toEqual({ query, status: 400 });
      expect(contentType).toMatch(/^application\/json/);
      expectErrorBody(body, 400);
    }
    const untracked = await call('GET', '/api/currencies/stream?symbols=BTCUSDT,XRPUSDT');
    expect(untracked.status).toBe(404);
    expectErrorBody(untracked.body, 404);
    expect(untracked.body.message).toContain('XRPUSDT');
  });

  it('refuses to add or remove a symbol without one of API_KEYS (401 with a JSON body) and changes nothing; any of the keys works', async () => {
    const send = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
      const response = await fetch(`${service.baseUrl}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null, authenticate: response.headers.get('www-authenticate') };
    };
    const refusals: { method: string; path: string; headers: Record<string, string>; body?: unknown; code: string }[] = [
      { method: 'POST', path: '/api/currency', headers: {}, body: { symbol: 'XRPBTC' }, code: 'API_KEY_REQUIRED' },
      { method: 'POST', path: '/api/currency', headers: {}, body: { symbol: 'not a symbol' }, code: 'API_KEY_REQUIRED' },
      { method: 'POST', path: '/api/currency', headers: { authorization: `Bearer ${apiKey}x` }, body: { symbol: 'XRPBTC' }, code: 'API_KEY_INVALID' },
      { method: 'POST', path: '/api/currency', headers: { authorization: `Basic ${Buffer.from(`u:${apiKey}`).toString('base64')}` }, body: { symbol: 'XRPBTC' }, code: 'API_KEY_REQUIRED' },
      { method: 'DELETE', path: '/api/currency/ETHUSDT', headers: {}, code: 'API_KEY_REQUIRED' },
      { method: 'DELETE', path: '/api/currency/ETHUSDT', headers: { 'x-api-key': 'e2e-key-someone-elses-0000' }, code: 'API_KEY_INVALID' },
    ];
    for (const { method, path, headers, body, code } of refusals) {
      const refused = await send(method, path, headers, body);
      expect({ method, headers, status: refused.status, code: refused.body?.code }).toEqual({ method, headers, status: 401, code });
      expectErrorBody(refused.body, 401);
      expect(refused.authenticate).toMatch(/^Bearer/);
    }
    const tracked = await call('GET', '/api/currencies');
    expect((tracked.body as Currency[]).map((currency) => currency.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    // Reads need no key.
    expect((await send('GET', '/api/currency/ETHUSDT', {})).status).toBe(200);
    expect((await send('GET', '/api/currency/ETHUSDT/trades?limit=1', {})).status).toBe(200);

    const added = await send('POST', '/api/currency', { 'x-api-key': rotatedApiKey }, { symbol: 'XRPBTC' });
    expect(added.status).toBe(201);
    expect((await send('DELETE', '/api/currency/XRPBTC', { authorization: `bearer ${rotatedApiKey}` })).status).toBe(204);
    const spec = (await call('GET', '/api-json')).body as { paths: Record<string, Record<string, { responses: object; security?: object[] }>> };
    expect(Object.keys(spec.paths['/api/currency'].post.responses)).toContain('401');
    expect(spec.paths['/api/currency/{symbol}'].delete.security).toEqual(expect.arrayContaining([{ 'api-key-bearer': [] }, { 'api-key-header': [] }]));
    expect(spec.paths['/api/currency/{symbol}'].get.security).toEqual([]);
  });

  it('deletes a symbol (204), unsubscribes within a second, keeps its history, and 404s a second delete', async () => {
    const following = await openEvents('/api/currencies/stream?symbols=ETHUSDT');
    await following.waitFor('the current ETHUSDT price', (events) => events.length > 0);
    const deleted = await call('DELETE', '/api/currency/ethusdt');
    expect(deleted.status).toBe(204);
    const deletedAt = Date.now();
    await waitFor(
      () => !emulator.subscriptions().some((connection) => connection.streams.includes('ethusdt@aggTrade')),
      { timeoutMs: 1_000, intervalMs: 10, what: 'ETHUSDT to be unsubscribed' },
    );
    expect(Date.now() - deletedAt).toBeLessThanOrEqual(1_000);
    expect((await call('GET', '/api/currency/ETHUSDT')).status).toBe(404);
    const history = await call('GET', '/api/currency/ETHUSDT/trades');
    expect(history.status).toBe(200);
    expect((history.body as Trade[]).length).toBeGreaterThan(0);
    const again = await call('DELETE', '/api/currency/ETHUSDT');
    expect(again.status).toBe(404);
    expectErrorBody(again.body, 404);
    expect((await call('DELETE', '/api/currency/%00')).status).toBe(400);
    // Its live push says so and, nothing else being followed, ends.
    await following.waitFor('the stream to end', () => following.ended());
    expect(following.events.slice(-2)).toEqual([
      { event: 'removed', data: { symbol: 'ETHUSDT' } },
      { event: 'end', data: { reason: 'none of the symbols followed is tracked any more' } },
    ]);
    await following.close();
  });

  // The timeout exceeds the sum of the bounded steps (stop 20 s, start 30 s, catching up 15 s), so a slow step fails
  // with its own message and the service's output rather than a bare test timeout.
  it('keeps the tracked list across a restart and backfills the trades missed while it was down', async () => {
    const before = await storedTrades('BTCUSDT', 0);
    const lastBefore = before[before.length - 1].tradeId;
    // A client that sent half a request keeps it in progress as long as it likes; it must not hold the stop up.
    const lingering = connect(service.port, '127.0.0.1');
    lingering.on('error', () => undefined);
    await new Promise((resolve) => lingering.once('connect', resolve));
    lingering.write('GET /health HTTP/1.1\r\nHost: test\r\n');
    // Nor may a client following live prices: its stream is ended, with the reason.
    const following = await openEvents('/api/currencies/stream');
    await following.waitFor('the current prices', (events) => events.length > 0);
    const stoppedAt = Date.now();
    expect(await service.stop('SIGTERM')).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    lingering.destroy();
    expect(following.ended()).toBe(true);
    expect(following.events[following.events.length - 1]).toEqual({ event: 'end', data: { reason: 'the service is stopping' } });
    await following.close();
    await sleep(1_500);
    const missedFrom = lastBefore + 1;
    expect(emulator.lastTradeId('BTCUSDT')).toBeGreaterThan(missedFrom + 5);

    service = await startService(env);
    const { body } = await call('GET', '/api/currencies');
    expect((body as Currency[]).map((currency) => currency.symbol)).toEqual(['BTCUSDT']);

    const target = (emulator.lastTradeId('BTCUSDT') as number) + 10;
    const after = await waitFor(
      async () => {
        const trades = await storedTrades('BTCUSDT', before[0].tradeId);
        const caughtUp = trades[trades.length - 1].tradeId >= target;
        const backfilled = trades.length === trades[trades.length - 1].tradeId - trades[0].tradeId + 1;
        return caughtUp && backfilled ? trades : null;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'live trades after the restart and the gap backfilled' },
    );
    expectContiguousAndExact('BTCUSDT', after);
  }, 90_000);
});
