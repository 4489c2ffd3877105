import { AggTradeRecord, BinanceEmulator, BREAK_SYMBOL, HALTED_SYMBOL, startEmulator } from '../src';

interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
}

describe('REST API (rest-api.md: market data endpoints, limits) and admin routes', () => {
  let emulator: BinanceEmulator;
  const get = async (path: string): Promise<HttpResult> => {
    const response = await fetch(`${emulator.restBaseUrl}${path}`);
    return { status: response.status, headers: response.headers, body: await response.json() };
  };
  const post = async (path: string, body: unknown = {}): Promise<HttpResult> => {
    const response = await fetch(`${emulator.restBaseUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
    return { status: response.status, headers: response.headers, body: await response.json() };
  };

  beforeAll(async () => {
    emulator = await startEmulator({ tradesPerSecondPerSymbol: 0 });
    emulator.emitTrades('BTCUSDT', 1_200);
  });
  afterEach(() => emulator.resetRestLimits());
  afterAll(() => emulator.close());

  it('ping, time and weight headers', async () => {
    const ping = await get('/api/v3/ping');
    expect(ping).toMatchObject({ status: 200, body: {} });
    expect(Number(ping.headers.get('x-mbx-used-weight-1m'))).toBeGreaterThanOrEqual(1);
    const time = await get('/api/v3/time');
    expect(Math.abs((time.body as { serverTime: number }).serverTime - Date.now())).toBeLessThan(1_000);
    expect(Number(time.headers.get('x-mbx-used-weight-1m'))).toBe(Number(ping.headers.get('x-mbx-used-weight-1m')) + 1);
  });

  it('exchangeInfo lists ~300 symbols with statuses and filters', async () => {
    const { status, body } = await get('/api/v3/exchangeInfo');
    expect(status).toBe(200);
    const info = body as { timezone: string; rateLimits: unknown[]; symbols: Array<Record<string, unknown>> };
    expect(info.timezone).toBe('UTC');
    expect(info.symbols.length).toBeGreaterThanOrEqual(300);
    const btc = info.symbols.find((symbol) => symbol['symbol'] === 'BTCUSDT') as Record<string, unknown>;
    expect(btc).toMatchObject({ status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', permissionSets: [['SPOT']] });
    expect(btc['filters']).toEqual(
      expect.arrayContaining([
        { filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' },
        expect.objectContaining({ filterType: 'LOT_SIZE', stepSize: '0.00001000' }),
      ]),
    );
    expect(info.symbols.find((symbol) => symbol['symbol'] === HALTED_SYMBOL)?.['status']).toBe('HALT');
    expect(info.symbols.find((symbol) => symbol['symbol'] === BREAK_SYMBOL)?.['status']).toBe('BREAK');
  });

  it('exchangeInfo filters by symbol, symbols and symbolStatus', async () => {
    const one = (await get('/api/v3/exchangeInfo?symbol=ETHUSDT')).body as { symbols: Array<{ symbol: string }> };
    expect(one.symbols.map((symbol) => symbol.symbol)).toEqual(['ETHUSDT']);
    const two = (await get(`/api/v3/exchangeInfo?symbols=${encodeURIComponent('["BTCUSDT","ETHBTC"]')}`)).body as { symbols: Array<{ symbol: string }> };
    expect(two.symbols.map((symbol) => symbol.symbol)).toEqual(['BTCUSDT', 'ETHBTC']);
    const halted = (await get('/api/v3/exchangeInfo?symbolStatus=HALT')).body as { symbols: Array<{ symbol: string }> };
    expect(halted.symbols.map((symbol) => symbol.symbol)).toEqual([HALTED_SYMBOL]);
    expect(await get('/api/v3/exchangeInfo?symbol=NOPEUSDT')).toMatchObject({ status: 400, body: { code: -1121, msg: 'Invalid symbol.' } });
    expect(await get('/api/v3/exchangeInfo?symbols=["BTCUSDT","NOPE"]')).toMatchObject({ status: 400, body: { code: -1121 } });
  });

  it('ticker/price: object for one symbol, array otherwise', async () => {
    expect((await get('/api/v3/ticker/price?symbol=BTCUSDT')).body).toEqual({ symbol: 'BTCUSDT', price: emulator.lastPrice('BTCUSDT') });
    const many = await get(`/api/v3/ticker/price?symbols=${encodeURIComponent('["BTCUSDT","ETHUSDT"]')}`);
    expect((many.body as unknown[]).length).toBe(2);
    expect(Number(many.headers.get('x-mbx-used-weight-1m'))).toBeGreaterThanOrEqual(4);
    expect(((await get('/api/v3/ticker/price')).body as unknown[]).length).toBeGreaterThanOrEqual(300);
    expect(await get('/api/v3/ticker/price?symbol=btcusdt')).toMatchObject({ status: 400, body: { code: -1100 } });
  });

  it('aggTrades: latest page, fromId paging and time windows, ascending by id', async () => {
    const latest = (await get('/api/v3/aggTrades?symbol=BTCUSDT')).body as Array<Record<string, number>>;
    expect(latest).toHaveLength(500);
    expect(latest[499].a).toBe(emulator.lastTradeId('BTCUSDT'));
    expect(Object.keys(latest[0])).toEqual(['a', 'p', 'q', 'f', 'l', 'T', 'm', 'M']);
    const first = emulator.tradesOf('BTCUSDT', { limit: 1_200 })[0];
    const page = (await get(`/api/v3/aggTrades?symbol=BTCUSDT&fromId=${first.aggTradeId + 10}&limit=5000`)).body as Array<Record<string, number>>;
    expect(page).toHaveLength(1_000);
    expect(page.map((row) => row.a)).toEqual(Array.from({ length: 1_000 }, (_, i) => first.aggTradeId + 10 + i));
    expect(page[0]).toEqual({
      a: first.aggTradeId + 10,
      ...(() => {
        const record = emulator.tradeById('BTCUSDT', first.aggTradeId + 10) as AggTradeRecord;
        return { p: record.price, q: record.quantity, f: record.firstTradeId, l: record.lastTradeId, T: record.tradeTime, m: record.isBuyerMaker, M: true };
      })(),
    });
    const windowed = (await get(`/api/v3/aggTrades?symbol=BTCUSDT&startTime=${first.tradeTime}&endTime=${Date.now()}&limit=3`)).body as Array<Record<string, number>>;
    expect(windowed.map((row) => row.a)).toEqual([first.aggTradeId, first.aggTradeId + 1, first.aggTradeId + 2]);
  });

  it.each([
    ['/api/v3/aggTrades', -1102],
    ['/api/v3/aggTrades?symbol=btcusdt', -1100],
    ['/api/v3/aggTrades?symbol=NOPEUSDT', -1121],
    ['/api/v3/aggTrades?symbol=BTCUSDT&fromId=1&startTime=1', -1128],
  ])('aggTrades errors: %s → %d', async (path, code) => {
    const result = await get(path);
    expect(result.status).toBe(400);
    expect((result.body as { code: number }).code).toBe(code);
    expect(result.headers.get('x-mbx-used-weight-1m')).not.toBeNull();
  });

  it('unknown paths are 404 JSON', async () => {
    expect((await get('/api/v3/nope')).status).toBe(404);
    expect((await get('/nope')).status).toBe(404);
  });

  it('injected 429/418/500 faults use Binance bodies and Retry-After, then recover', async () => {
    emulator.failRest(3, 429, 7);
    const limited = await get('/api/v3/ping');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((limited.body as { code: number }).code).toBe(-1003);
    expect((await get('/api/v3/ping')).status).toBe(429);
    expect((await get('/api/v3/ping')).status).toBe(429);
    expect((await get('/api/v3/ping')).status).toBe(200);
    await post('/emulator/faults/rest-errors', { count: 1, status: 418, retryAfterSec: 120 });
    const banned = await get('/api/v3/time');
    expect(banned.status).toBe(418);
    expect((banned.body as { msg: string }).msg).toMatch(/IP banned until \d+/);
    emulator.failRest(1, 500);
    expect(await get('/api/v3/time')).toMatchObject({ status: 500, body: { code: -1000 } });
  });

  it('enforces the weight limit: 429 with Retry-After, then 418 for continued abuse', async () => {
    emulator.setRestWeightLimit(40);
    expect((await get('/api/v3/exchangeInfo?symbol=BTCUSDT')).status).toBe(200);
    expect((await get('/api/v3/exchangeInfo?symbol=BTCUSDT')).status).toBe(200);
    const limited = await get('/api/v3/ping');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('x-mbx-used-weight-1m')).toBe('41');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await get('/api/v3/ping')).status);
    }
    expect(statuses).toEqual([429, 429, 429, 429, 418, 418]);
    emulator.setRestWeightLimit(6000);
  });

  it('admin routes expose state and inject faults', async () => {
    const stats = (await get('/emulator/stats')).body as { symbols: Record<string, { generated: number }> };
    expect(stats.symbols['BTCUSDT'].generated).toBeGreaterThanOrEqual(1_200);
    const lastId = emulator.lastTradeId('BTCUSDT') as number;
    const trades = (await get(`/emulator/trades/BTCUSDT?fromId=${lastId - 1}`)).body as Array<{ aggTradeId: number; price: string }>;
    expect(trades.map((trade) => trade.aggTradeId)).toEqual([lastId - 1, lastId]);
    expect(trades[1].price).toBe(emulator.lastPrice('BTCUSDT'));
    const emitted = (await post('/emulator/trades/ETHUSDT', { count: 2 })).body as unknown[];
    expect(emitted).toHaveLength(2);
    expect((await post('/emulator/rate', { symbol: 'ETHUSDT', perSecond: 0 })).status).toBe(200);
    expect((await post('/emulator/rate', { symbol: 'NOPE', perSecond: 1 })).status).toBe(404);
    expect((await post('/emulator/lifetime', { ms: 86_400_000 })).status).toBe(200);
    expect((await post('/emulator/faults/rest-errors', { count: 1, status: 404 })).status).toBe(400);
    expect((await get('/emulator/subscriptions')).body).toEqual([]);
    for (const fault of ['drop', 'freeze', 'server-shutdown']) {
      expect((await post(`/emulator/faults/${fault}`)).body).toEqual({ ok: true });
    }
  });
});
