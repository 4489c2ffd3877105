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
/** Kline intervals the REST probes fetch: the newest page, then pages further back. */
const INTERVALS = ['1s', '1m', '1h'] as const;
/** 3 pages of 20 seconds reach back over the few seconds of market the tests make, wherever the clock stands. */
const PAGE_SIZE = 20;
const INTERVAL_MS: Record<(typeof INTERVALS)[number], number> = { '1s': 1_000, '1m': 60_000, '1h': 3_600_000 };

/** A kline as Binance's REST writes it: [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBase, takerQuote, "0"]. */
type KlineRow = [number, string, string, string, string, string, number, string, number, string, string, string];

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

  /** The emulator's klines (folded from its own trades) for a query. */
  async function emulatorKlines(interval: string, query: string): Promise<KlineRow[]> {
    const response = await fetch(`${emulator.restBaseUrl}/api/v3/klines?symbol=${SYMBOL}&interval=${interval}&${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as KlineRow[];
  }

  /**
   * The query that gives the emulator the page a client got as the newest: the page ends at the interval current when
   * it was asked for (a few seconds ago at most; klines run on quietly after the last trade), so ask for the same ends.
   */
  function newestQuery(interval: (typeof INTERVALS)[number], opens: number[]): string {
    const last = Math.max(...opens);
    expect(last).toBeGreaterThan(Date.now() - 15_000 - INTERVAL_MS[interval]);
    return `endTime=${last}&limit=${PAGE_SIZE}`;
  }

  /** The same for a page from `since`: a short one must have ended at the interval current then (the data starts late). */
  function sinceQuery(interval: (typeof INTERVALS)[number], since: number, opens: number[]): string {
    if (opens.length === PAGE_SIZE) {
      return `startTime=${since}&limit=${PAGE_SIZE}`;
    }
    return `startTime=${since}&${newestQuery(interval, opens)}`;
  }

  /** Each kline holding trades has the prices, volume and raw trade count of the trades sent in its interval. */
  function expectTradedKlinesAsSent(interval: (typeof INTERVALS)[number], rows: KlineRow[]): void {
    for (const row of rows.filter((kline) => kline[8] > 0)) {
      const trades = sent.filter((trade) => trade.tradeTime >= row[0] && trade.tradeTime < row[0] + INTERVAL_MS[interval]);
      const prices = trades.map((trade) => Number(trade.price));
      const fills = trades.reduce((total, trade) => total + trade.lastTradeId - trade.firstTradeId + 1, 0);
      const volume = trades.reduce((total, trade) => total + BigInt(trade.quantity.replace('.', '')), 0n);
      expect([row[1], Number(row[2]), Number(row[3]), row[4], BigInt(row[5].replace('.', '')), row[6], row[8]]).toEqual([
        trades[0].price, Math.max(...prices), Math.min(...prices), trades[trades.length - 1].price, volume, row[0] + INTERVAL_MS[interval] - 1, fills,
      ]);
    }
  }

  it('ccxt: fetchTime, loadMarkets (spot only), fetchTicker and fetchTrades read what was sent', async () => {
    const report = await probe({ client: 'ccxt', mode: 'rest', ...urls, symbol: SYMBOL, market: MARKET, intervals: INTERVALS, pageBack: 3, pageSize: PAGE_SIZE }).result;
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

    // fetchOHLCV, newest page and pages back in time: each page the candles the emulator's klines hold for the same
    // request (the newest: up to the current interval), and each kline holding trades as the trades sent say.
    for (const interval of INTERVALS) {
      const pages = report.ohlcv[interval] as Array<{ since: number | null; candles: number[][] }>;
      expect(pages.length).toBeGreaterThan(1);
      for (const { since, candles } of pages) {
        const opens = candles.map((candle) => candle[0]);
        const rows = await emulatorKlines(interval, since === null ? newestQuery(interval, opens) : sinceQuery(interval, since, opens));
        expect({ interval, since, candles }).toEqual({ interval, since, candles: rows.map((row) => [row[0], ...[1, 2, 3, 4, 5].map((field) => Number(row[field]))]) });
        expectTradedKlinesAsSent(interval, rows);
      }
      expect(pages.flatMap((page) => page.candles).some((candle) => candle[5] > 0)).toBe(true);
    }
  });

  it('@binance/connector: time, exchangeInfo, ticker/24hr (FULL and MINI), ticker/price and aggTrades carry the exact strings sent', async () => {
    const report = await probe({ client: 'connector', mode: 'rest', ...urls, symbol: SYMBOL, market: MARKET, intervals: INTERVALS, pageBack: 3, pageSize: PAGE_SIZE }).result;
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
    expect(report.ticker.closeTime - report.ticker.openTime).toBe(86_400_000);
    expect(Math.abs(report.ticker.closeTime - Date.now())).toBeLessThan(10_000);
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

    // klines, newest page and pages back by endTime: Binance's rows string for string as the emulator writes them for
    // the same request, and the same candles as our own API.
    for (const interval of INTERVALS) {
      const pages = report.klines[interval] as Array<{ endTime: number | null; rows: KlineRow[] }>;
      expect(pages.length).toBeGreaterThan(1);
      for (const { endTime, rows } of pages) {
        const expected = await emulatorKlines(interval, endTime === null ? newestQuery(interval, rows.map((row) => row[0])) : `endTime=${endTime}&limit=${PAGE_SIZE}`);
        expect({ interval, endTime, rows }).toEqual({ interval, endTime, rows: expected });
        expectTradedKlinesAsSent(interval, rows);
      }
      const rows = pages.flatMap((page) => page.rows);
      expect(rows.some((row) => row[8] > 0)).toBe(true);
      const candles = (await own(`/api/currency/${SYMBOL}/candles?interval=${interval}&startTime=${Math.min(...rows.map((row) => row[0]))}&limit=1000`)) as Report[];
      expect(candles.length).toBeGreaterThan(0);
      for (const candle of candles) {
        // Our own candles end at the last stored trade; klines run on quietly to the current interval.
        const row = rows.find((kline) => kline[0] === candle.openTime);
        expect([row?.[0], Number(row?.[1]), Number(row?.[4]), Number(row?.[5]), row?.[6], Number(row?.[7]), row?.[8]]).toEqual([
          candle.openTime, Number(candle.open), Number(candle.close), Number(candle.volume), candle.closeTime, Number(candle.quoteVolume), candle.trades,
        ]);
      }
    }
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
    const closedKlines = (streamed.klines as Array<{ k: Report }>).map((event) => event.k).filter((k) => k.i === '1s' && k.x && k.n > 0);
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

    // The 1m kline started from the stored candle of its minute (trades sent before the stream opened included), then
    // went on with the live trades: its newest push holds every trade sent in the minute up to its last fill.
    const minuteKlines = (streamed.klines as Array<{ k: Report }>).map((event) => event.k).filter((k) => k.i === '1m');
    expect(minuteKlines.length).toBeGreaterThan(0);
    const newest = minuteKlines[minuteKlines.length - 1];
    const inMinute = sent.filter((trade) => trade.tradeTime >= newest.t && trade.tradeTime < newest.t + 60_000 && trade.lastTradeId <= newest.L);
    expect(inMinute.length).toBeGreaterThan(0);
    const units = inMinute.reduce((sum, trade) => sum + BigInt(trade.quantity.replace('.', '')), 0n);
    const prices = inMinute.map((trade) => Number(trade.price));
    expect({ ...newest, h: Number(newest.h), l: Number(newest.l) }).toMatchObject({
      T: newest.t + 59_999, o: inMinute[0].price, c: inMinute[inMinute.length - 1].price, h: Math.max(...prices), l: Math.min(...prices),
      v: `${units / 100_000_000n}.${(units % 100_000_000n).toString().padStart(8, '0')}`,
      f: inMinute[0].firstTradeId, n: newest.L - inMinute[0].firstTradeId + 1,
    });
  });
});
