import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { AggTradeRecord, BinanceEmulator } from '@binance-rates/emulator';
import { startEmulator } from '@binance-rates/emulator';
import { TestDatabase, cleanupRedisPrefix, createEmptyDatabase, sleep, testRedisPrefix, testRedisUrl, waitFor } from '@binance-rates/testing';
import { ServiceProcess, startService } from './support/service-process';
import { serviceEnv } from './support/service-env';

/** JSON a probe or the service reports, whose shape each test knows and checks. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Report = any;

const PROBE = join(__dirname, 'support', 'binance-clients.probe.mjs');
const SYMBOL = 'BTCUSDT';
const MARKET = 'BTC/USDT';

interface CcxtTrade {
  id: string;
  timestamp: number;
  price: number;
  amount: number;
  side: 'buy' | 'sell';
}

/** Runs one client in the probe process; resolves with its JSON report. */
function probe(options: Record<string, unknown>): { child: ChildProcess; result: Promise<Report> } {
  const child = spawn(process.execPath, [PROBE, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const result = new Promise<Report>((resolve, reject) => {
    child.once('close', () => {
      try {
        resolve(JSON.parse(output.trim().split('\n').pop() ?? '') as Report);
      } catch {
        reject(new Error(`probe wrote no report: ${output}\n${errors}`));
      }
    });
  });
  return { child, result };
}

/**
 * Real clients, unmodified, against the built service's Binance-compatible API (not the emulator): ccxt's `binance`
 * with its public URLs pointed at the service, and Binance's official `@binance/connector`. Every value they read
 * must equal what the emulator generated and what our own API (`/api/currency/...`) returns.
 */
describe('real Binance clients against the service (built service + emulator + PostgreSQL + Redis)', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let service: ServiceProcess;
  const prefix = testRedisPrefix();
  let urls: { baseUrl: string; wsBaseUrl: string };
  let sent: AggTradeRecord[];

  async function own(path: string): Promise<Report> {
    const response = await fetch(`${service.baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(200);
    return response.json();
  }

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, tradesPerSecondPerSymbol: 0, seed: 16 });
    database = await createEmptyDatabase();
    service = await startService(serviceEnv({ databaseUrl: database.url, redisKeyPrefix: prefix, emulator }));
    urls = { baseUrl: service.baseUrl, wsBaseUrl: service.baseUrl.replace('http', 'ws') };
    const added = await fetch(`${service.baseUrl}/api/currency`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: SYMBOL }),
    });
    expect(added.status).toBe(201);
    await waitFor(async () => (await own(`/api/currency/${SYMBOL}`)).streamLive === true, { what: 'the stream live', timeoutMs: 15_000, intervalMs: 100 });
    // A few seconds of market, then a still one, so that every REST answer can be compared with what was sent.
    emulator.setTradeRate(SYMBOL, 25);
    await sleep(5_000);
    emulator.setTradeRate(SYMBOL, 0);
    const lastId = emulator.tradesOf(SYMBOL, { limit: 1 })[0].aggTradeId;
    await waitFor(async () => (await own(`/api/currency/${SYMBOL}/trades?fromId=${lastId}`)).length === 1, { what: 'every trade stored', timeoutMs: 10_000, intervalMs: 100 });
    sent = emulator.tradesOf(SYMBOL);
  }, 60_000);

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await emulator?.close();
    await database?.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
  });

  function sentById(id: number): AggTradeRecord {
    const record = sent.find((trade) => trade.aggTradeId === id);
    expect(record).toBeDefined();
    return record as AggTradeRecord;
  }

  function expectCcxtTradeSent(trade: CcxtTrade): void {
    const record = sentById(Number(trade.id));
    expect(trade).toMatchObject({
      price: Number(record.price),
      amount: Number(record.quantity),
      timestamp: record.tradeTime,
      side: record.isBuyerMaker ? 'sell' : 'buy',
    });
  }

  /** The day as sent: every trade of the symbol is inside the last 24 hours. */
  function sentDay() {
    const prices = sent.map((trade) => Number(trade.price));
    return {
      open: prices[0],
      high: Math.max(...prices),
      low: Math.min(...prices),
      last: prices[prices.length - 1],
      volume: sent.reduce((sum, trade) => sum + Number(trade.quantity), 0),
      firstId: sent[0].firstTradeId,
      lastId: sent[sent.length - 1].lastTradeId,
    };
  }

  it('ccxt: fetchTime, loadMarkets (spot only), fetchTicker and fetchTrades read what was sent', async () => {
    const report = await probe({ client: 'ccxt', mode: 'rest', ...urls, symbol: SYMBOL, market: MARKET, intervals: [], pageBack: 3, pageSize: 3 }).result;
    expect(report.error).toBeUndefined();
    expect(Math.abs(report.time - Date.now())).toBeLessThan(10_000);

    const listing = ((await (await fetch(`${emulator.restBaseUrl}/api/v3/exchangeInfo?symbol=${SYMBOL}`)).json()) as { symbols: unknown[] }).symbols[0];
    expect(report.market).toMatchObject({ id: SYMBOL, symbol: MARKET, spot: true, active: true, info: listing });

    const ownTrades = await own(`/api/currency/${SYMBOL}/trades?fromId=${report.trades[0].id}&limit=20`);
    expect(report.trades).toHaveLength(20);
    expect(report.trades.map((trade: CcxtTrade) => Number(trade.id))).toEqual(sent.slice(-20).map((trade) => trade.aggTradeId));
    report.trades.forEach((trade: CcxtTrade, index: number) => {
      expectCcxtTradeSent(trade);
      expect(trade.price).toBe(Number(ownTrades[index].price));
    });
    expect(report.tradesSince[0].timestamp).toBeGreaterThanOrEqual(report.trades[5].timestamp);
    report.tradesSince.forEach(expectCcxtTradeSent);

    // The rolling day from the stored 1-minute candles.
    const day = sentDay();
    const price = await own(`/api/currency/${SYMBOL}`);
    expect(report.ticker).toMatchObject({ symbol: MARKET, last: day.last, open: day.open, high: day.high, low: day.low });
    expect(report.ticker.last).toBe(Number(price.price));
    expect(report.ticker.baseVolume).toBeCloseTo(day.volume, 8);
    expect(Number(report.ticker.info.count)).toBe(day.lastId - day.firstId + 1);
  });

  it('@binance/connector: time, exchangeInfo, ticker/24hr (FULL and MINI), ticker/price and aggTrades carry the exact strings sent', async () => {
    const report = await probe({ client: 'connector', mode: 'rest', ...urls, symbol: SYMBOL, market: MARKET, intervals: [], pageBack: 3, pageSize: 3 }).result;
    expect(report.error).toBeUndefined();
    expect(Math.abs(report.time.serverTime - Date.now())).toBeLessThan(10_000);
    const listing = ((await (await fetch(`${emulator.restBaseUrl}/api/v3/exchangeInfo?symbol=${SYMBOL}`)).json()) as { symbols: unknown[] }).symbols[0];
    expect(report.exchangeInfo.symbols).toEqual([listing]);

    expect(report.aggTrades).toEqual(
      sent.slice(-20).map((trade) => ({ a: trade.aggTradeId, p: trade.price, q: trade.quantity, f: trade.firstTradeId, l: trade.lastTradeId, T: trade.tradeTime, m: trade.isBuyerMaker, M: true })),
    );
    expect(report.unknown).toEqual({ status: 400, data: { code: -1121, msg: 'Invalid symbol.' } });
    const last = sent[sent.length - 1];
    expect(report.price).toEqual({ symbol: SYMBOL, price: last.price });
    expect(report.ticker).toMatchObject({
      symbol: SYMBOL,
      lastPrice: last.price,
      lastQty: last.quantity,
      openPrice: sent[0].price,
      firstId: sent[0].firstTradeId,
      lastId: last.lastTradeId,
      count: last.lastTradeId - sent[0].firstTradeId + 1,
    });
    expect(report.miniTicker).toEqual({
      symbol: SYMBOL,
      openPrice: report.ticker.openPrice,
      highPrice: report.ticker.highPrice,
      lowPrice: report.ticker.lowPrice,
      lastPrice: report.ticker.lastPrice,
      volume: report.ticker.volume,
      quoteVolume: report.ticker.quoteVolume,
      openTime: expect.any(Number),
      closeTime: expect.any(Number),
      firstId: report.ticker.firstId,
      lastId: report.ticker.lastId,
      count: report.ticker.count,
    });
  });

  /** The 1-second candle of the trades sent in [openTime, openTime + 1 s): exact strings, volume summed in 1e-8 units. */
  function sentSecond(openTime: number) {
    const trades = sent.filter((trade) => trade.tradeTime >= openTime && trade.tradeTime < openTime + 1_000);
    const units = trades.reduce((sum, trade) => sum + BigInt(trade.quantity.replace('.', '')), 0n);
    const prices = trades.map((trade) => trade.price);
    const byValue = [...prices].sort((a, b) => Number(a) - Number(b));
    return {
      trades,
      open: prices[0],
      high: byValue[byValue.length - 1],
      low: byValue[0],
      close: prices[prices.length - 1],
      volume: `${units / 100_000_000n}.${(units % 100_000_000n).toString().padStart(8, '0')}`,
    };
  }

  it('ccxt watchTrades / watchOHLCV and @binance/connector aggTrade / kline streams deliver the live trades and candles as sent', async () => {
    const ccxtProbe = probe({ client: 'ccxt', mode: 'ws', ...urls, symbol: SYMBOL, market: MARKET, watchFor: 10 });
    const connectorProbe = probe({ client: 'connector', mode: 'ws', ...urls, symbol: SYMBOL, market: MARKET, watchFor: 10 });
    // Subscribed within a second; the publisher notices listeners within another.
    await sleep(2_500);
    emulator.setTradeRate(SYMBOL, 25);
    const [watched, streamed] = await Promise.all([ccxtProbe.result, connectorProbe.result]);
    emulator.setTradeRate(SYMBOL, 0);
    sent = emulator.tradesOf(SYMBOL);

    expect(watched.error).toBeUndefined();
    expect(watched.trades.length).toBeGreaterThanOrEqual(10);
    watched.trades.forEach(expectCcxtTradeSent);
    expect(streamed.error).toBeUndefined();
    for (const event of streamed.aggTrades) {
      const record = sentById(event.a);
      expect(event).toEqual({
        e: 'aggTrade', E: expect.any(Number), s: SYMBOL, a: record.aggTradeId, p: record.price, q: record.quantity,
        f: record.firstTradeId, l: record.lastTradeId, T: record.tradeTime, m: record.isBuyerMaker, M: true,
      });
      expect(event.E).toBeGreaterThanOrEqual(event.T);
    }

    // Candles: every closed one that holds trades equals the trades sent in its second.
    const watchedCandles = (watched.candles as number[][]).slice(0, -1).filter((candle) => candle[5] > 0);
    expect(watchedCandles.length).toBeGreaterThan(0);
    for (const [openTime, open, high, low, close, volume] of watchedCandles) {
      const second = sentSecond(openTime);
      expect([open, high, low, close, volume]).toEqual([second.open, second.high, second.low, second.close, second.volume].map(Number));
    }
    const closedKlines = (streamed.klines as Array<{ k: Report }>).map((event) => event.k).filter((k) => k.x && k.n > 0);
    expect(closedKlines.length).toBeGreaterThan(0);
    for (const k of closedKlines) {
      const second = sentSecond(k.t);
      const first = second.trades[0];
      const last = second.trades[second.trades.length - 1];
      expect(k).toMatchObject({
        T: k.t + 999, s: SYMBOL, i: '1s', o: second.open, h: second.high, l: second.low, c: second.close, v: second.volume,
        f: first.firstTradeId, L: last.lastTradeId, n: last.lastTradeId - first.firstTradeId + 1,
      });
    }
  });
});
