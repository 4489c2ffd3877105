import WebSocket from 'ws';
import type { BinanceEmulator } from '@binance-rates/emulator';
import { startEmulator } from '@binance-rates/emulator';
import { TestDatabase, cleanupRedisPrefix, createEmptyDatabase, sleep, testRedisPrefix, testRedisUrl, waitFor } from '@binance-rates/testing';
import { ServiceProcess, startService } from './support/service-process';
import { serviceEnv } from './support/service-env';

const SYMBOL = 'BTCUSDT';

interface Answer {
  status: number;
  body: unknown;
  weight: string | null;
}

/** The shape of a JSON value: objects by their keys (in order), arrays by their first element, scalars by type. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)]));
  return typeof value;
}

/** Opens a stream connection and answers each text frame sent with the next frame received. */
async function streamSession(url: string): Promise<{ ask(frame: string): Promise<unknown>; next(): Promise<unknown>; close(): void }> {
  const ws = new WebSocket(url);
  const received: unknown[] = [];
  const waiting: Array<(value: unknown) => void> = [];
  ws.on('message', (data) => {
    const value = JSON.parse(data.toString());
    const waiter = waiting.shift();
    if (waiter) waiter(value);
    else received.push(value);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      if (received.length > 0) return resolve(received.shift());
      const timer = setTimeout(() => reject(new Error(`no frame from ${url} within 10 s`)), 10_000);
      waiting.push((value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  return {
    ask: (frame) => {
      ws.send(frame);
      return next();
    },
    next,
    close: () => ws.close(),
  };
}

/**
 * The same requests to the project's emulator (which speaks Binance's protocol) and to the service's
 * Binance-compatible API, answers compared field by field: exact where both hold the same data (the service stored
 * every trade the emulator sent), by shape where they differ by design (the emulator lists 300 symbols, the service
 * the tracked one), and exactly for every error answer.
 */
describe('Binance protocol conformance: the service answers as the emulator does', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let service: ServiceProcess;
  const prefix = testRedisPrefix();
  let firstId: number;
  let times: number[];

  async function get(base: string, path: string): Promise<Answer> {
    const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.json(), weight: response.headers.get('x-mbx-used-weight-1m') };
  }

  async function both(path: string): Promise<{ emulator: Answer; service: Answer }> {
    return { emulator: await get(emulator.restBaseUrl, path), service: await get(service.baseUrl, path) };
  }

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, tradesPerSecondPerSymbol: 0, seed: 21 });
    database = await createEmptyDatabase();
    service = await startService(serviceEnv({ databaseUrl: database.url, redisKeyPrefix: prefix, emulator }));
    await fetch(`${service.baseUrl}/api/currency`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ symbol: SYMBOL }) });
    await waitFor(async () => ((await (await fetch(`${service.baseUrl}/api/currency/${SYMBOL}`)).json()) as { streamLive: boolean }).streamLive === true, {
      what: 'the stream live',
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    emulator.setTradeRate(SYMBOL, 40);
    await sleep(3_000);
    emulator.setTradeRate(SYMBOL, 0);
    const sent = emulator.tradesOf(SYMBOL);
    firstId = sent[0].aggTradeId;
    times = sent.map((trade) => trade.tradeTime);
    const lastId = sent[sent.length - 1].aggTradeId;
    await waitFor(async () => ((await (await fetch(`${service.baseUrl}/api/currency/${SYMBOL}/trades?fromId=${lastId}`)).json()) as unknown[]).length === 1, {
      what: 'every trade stored',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
  }, 60_000);

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await emulator?.close();
    await database?.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
  });

  it.each([
    ['/api/v3/aggTrades?symbol=BTCUSDT&limit=5'],
    ['/api/v3/aggTrades?symbol=BTCUSDT'],
    ['FROM_ID'],
    ['TIME_RANGE'],
    ['END_TIME'],
    ['/api/v3/ticker/price?symbol=BTCUSDT'],
    ['/api/v3/ticker/price?symbols=%5B%22BTCUSDT%22%5D'],
  ])('%s: the same answer, value for value', async (template) => {
    const path =
      template === 'FROM_ID'
        ? `/api/v3/aggTrades?symbol=BTCUSDT&fromId=${firstId + 3}&limit=7`
        : template === 'TIME_RANGE'
          ? `/api/v3/aggTrades?symbol=BTCUSDT&startTime=${times[10]}&endTime=${times[30]}&limit=1000`
          : template === 'END_TIME'
            ? `/api/v3/aggTrades?symbol=BTCUSDT&endTime=${times[20]}&limit=4`
            : template;
    const answers = await both(path);
    expect(answers.service.status).toBe(200);
    expect(answers.service.body).toEqual(answers.emulator.body);
    expect(Array.isArray(answers.service.body) ? (answers.service.body as unknown[]).length : 1).toBeGreaterThan(0);
  });

  /** Kline requests over the stored trades, their windows ended in the past so both answer the same whenever asked. */
  const klinePaths = () => {
    const first = times[0];
    const last = times[times.length - 1];
    const query = (rest: string) => `/api/v3/klines?symbol=BTCUSDT&${rest}`;
    return [
      query(`interval=1s&startTime=${first - 1_000}&endTime=${last + 3_000}`),
      query(`interval=1s&startTime=${first + 1}&endTime=${last}&limit=2`),
      query(`interval=1s&endTime=${last + 2_000}&limit=4`),
      query(`interval=1s&startTime=0&endTime=${last}&limit=3`),
      query(`interval=1m&startTime=0&endTime=${last}`),
      query(`interval=3m&endTime=${last}`),
      query(`interval=1h&endTime=${last}&timeZone=05:45`),
      query(`interval=4h&endTime=${last}&timeZone=-3`),
      query(`interval=1d&endTime=${last}&timeZone=8`),
      query(`interval=1d&endTime=${last}&timeZone=-12:00`),
      query(`interval=3d&endTime=${last}&timeZone=%2B14:00`),
      query(`interval=1w&endTime=${last}&timeZone=1`),
      query(`interval=1M&endTime=${last}&timeZone=-1:30`),
      query(`interval=1s&startTime=${last}&endTime=${first}`),
    ];
  };

  it('klines: the same rows, string for string, for every kind of window and time zone', async () => {
    // Past the windows' ends, so both answer the same whenever asked; quiet seconds after the market stopped included.
    await sleep(Math.max(0, times[times.length - 1] + 3_500 - Date.now()));
    for (const path of klinePaths()) {
      const answers = await both(path);
      expect({ path, status: answers.service.status, body: answers.service.body }).toEqual({ path, status: 200, body: answers.emulator.body });
    }
    const [seconds] = klinePaths();
    const rows = (await both(seconds)).service.body as unknown[][];
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.some((row) => row[8] === 0)).toBe(true);
    expect(rows.some((row) => (row[8] as number) > 0)).toBe(true);
  });

  it.each([['/api/v3/ping'], ['/api/v3/time'], ['/api/v3/exchangeInfo?symbol=BTCUSDT'], ['/api/v3/exchangeInfo'], ['/api/v3/ticker/price']])(
    '%s: the same shape, and the weight header',
    async (path) => {
      const answers = await both(path);
      expect(answers.service.status).toBe(200);
      expect(shape(answers.service.body)).toEqual(shape(answers.emulator.body));
      expect(Number(answers.service.weight)).toBeGreaterThan(0);
      expect(answers.emulator.weight).not.toBeNull();
    },
  );

  it('exchangeInfo carries the listing of the symbol exactly as Binance (here the emulator) lists it', async () => {
    const answers = await both('/api/v3/exchangeInfo?symbol=BTCUSDT&showPermissionSets=false');
    expect((answers.service.body as { symbols: unknown[] }).symbols).toEqual((answers.emulator.body as { symbols: unknown[] }).symbols);
  });

  it.each([
    '/api/v3/exchangeInfo?symbol=NOPEUSDT',
    '/api/v3/exchangeInfo?symbol=btcusdt',
    '/api/v3/exchangeInfo?symbol=',
    '/api/v3/exchangeInfo?symbols=BTCUSDT',
    '/api/v3/exchangeInfo?symbols=%5B%5D',
    '/api/v3/exchangeInfo?symbol=BTCUSDT&symbols=%5B%22BTCUSDT%22%5D',
    '/api/v3/exchangeInfo?symbol=BTCUSDT&symbolStatus=TRADING',
    '/api/v3/exchangeInfo?symbolStatus=OPEN',
    '/api/v3/ticker/price?symbol=NOPEUSDT',
    '/api/v3/ticker/price?symbol=BTCUSDT&symbolStatus=HALT',
    '/api/v3/aggTrades',
    '/api/v3/aggTrades?symbol=NOPEUSDT',
    '/api/v3/aggTrades?symbol=BTCUSDT&limit=0',
    '/api/v3/aggTrades?symbol=BTCUSDT&limit=ten',
    '/api/v3/aggTrades?symbol=BTCUSDT&fromId=-1',
    '/api/v3/aggTrades?symbol=BTCUSDT&fromId=1&startTime=1',
    '/api/v3/aggTrades?symbol=BTCUSDT&startTime=20&endTime=10',
    '/api/v3/klines',
    '/api/v3/klines?symbol=BTCUSDT',
    '/api/v3/klines?symbol=BTCUSDT&interval=',
    '/api/v3/klines?symbol=BTCUSDT&interval=1H',
    '/api/v3/klines?symbol=NOPEUSDT&interval=1x',
    '/api/v3/klines?symbol=NOPEUSDT&interval=1m',
    '/api/v3/klines?symbol=btcusdt&interval=1m',
    '/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=0',
    '/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=soon',
    '/api/v3/klines?symbol=BTCUSDT&interval=1m&timeZone=15',
    '/api/v3/klines?symbol=BTCUSDT&interval=1m&timeZone=-12:30',
    '/api/v3/klines?symbol=BTCUSDT&interval=1m&timeZone=Asia%2FShanghai',
    '/api/v3/klines?symbol=NOPEUSDT&interval=1m&timeZone=8:75',
    '/api/v3/depth?symbol=BTCUSDT',
    '/api/v3/nothing',
  ])('%s: the same error answer', async (path) => {
    const answers = await both(path);
    expect(answers.service.status).toBeGreaterThanOrEqual(400);
    expect(answers.service.status).toBeLessThan(500);
    expect(answers.service).toEqual({ ...answers.emulator, weight: expect.any(String) });
    expect(answers.service.body).toEqual({ code: expect.any(Number), msg: expect.any(String) });
  });

  it('stream control requests get the same answers, errors included', async () => {
    const frames = [
      '{"method":"SUBSCRIBE","params":["btcusdt@aggTrade","ethbtc@depth"],"id":1}',
      '{"method":"LIST_SUBSCRIPTIONS","id":2}',
      '{"method":"UNSUBSCRIBE","params":["ethbtc@depth"],"id":"three"}',
      '{"method":"LIST_SUBSCRIPTIONS","id":4}',
      '{"method":"SUBSCRIBE","params":["btcusdt@nonsense"],"id":5}',
      '{"method":"SUBSCRIBE","id":6}',
      '{"method":"PUBLISH","params":[],"id":7}',
      '{"params":[],"id":8}',
      '{"method":"SUBSCRIBE","params":[],"id":1.5}',
      '{"method":"SET_PROPERTY","params":["combined",true],"id":9}',
      '{"method":"GET_PROPERTY","params":["combined"],"id":10}',
      '{"method":"SET_PROPERTY","params":["combined","yes"],"id":11}',
      '{"method":"GET_PROPERTY","params":["other"],"id":12}',
      '{"method":"LIST_SUBSCRIPTIONS","params":["x"],"id":13}',
      'not json',
    ];
    const emulatorSession = await streamSession(`${emulator.wsBaseUrl}/ws`);
    const serviceSession = await streamSession(`${service.baseUrl.replace('http', 'ws')}/ws`);
    try {
      for (const frame of frames) {
        // One frame a second at most per pair, under Binance's 5 incoming messages a second.
        const expected = await emulatorSession.ask(frame);
        expect({ frame, answer: await serviceSession.ask(frame) }).toEqual({ frame, answer: expected });
        await sleep(250);
      }
    } finally {
      emulatorSession.close();
      serviceSession.close();
    }
  });

  it('a combined stream named in the URL delivers the same aggTrade events in the same wrapper', async () => {
    const path = '/stream?streams=btcusdt@aggTrade';
    const emulatorSession = await streamSession(`${emulator.wsBaseUrl}${path}`);
    const serviceSession = await streamSession(`${service.baseUrl.replace('http', 'ws')}${path}`);
    try {
      // The publisher notices the new listener within a second.
      await sleep(1_500);
      const [trade] = emulator.emitTrades(SYMBOL, 1);
      const fromEmulator = (await emulatorSession.next()) as { stream: string; data: Record<string, unknown> };
      const fromService = (await serviceSession.next()) as { stream: string; data: Record<string, unknown> };
      expect(fromEmulator.data['a']).toBe(trade.aggTradeId);
      expect(fromService).toEqual({ ...fromEmulator, data: { ...fromEmulator.data, E: expect.any(Number) } });
    } finally {
      emulatorSession.close();
      serviceSession.close();
    }
  });
});
