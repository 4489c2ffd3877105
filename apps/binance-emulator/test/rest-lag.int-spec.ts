import { BinanceEmulator, startEmulator } from '../src';
import { sleep } from '@binance-rates/testing';

type Row = { a: number; T: number };

/** Binance's REST is a separate service from its streams and trails them: the `restLagMs` option plays that. */
describe('REST lag: an aggTrades page never holds trades newer than now − lag', () => {
  let emulator: BinanceEmulator;
  const get = async (path: string): Promise<Row[]> => (await fetch(`${emulator.restBaseUrl}${path}`)).json() as Promise<Row[]>;

  beforeAll(async () => {
    emulator = await startEmulator({ tradesPerSecondPerSymbol: 0, restLagMs: 400 });
  });
  afterAll(() => emulator.close());

  it('serves by fromId, by startTime and the latest page only up to now − lag, and the rest once the lag has passed', async () => {
    const [older] = emulator.emitTrades('BTCUSDT', 1);
    await sleep(500);
    const newer = emulator.emitTrades('BTCUSDT', 3);
    expect((await get(`/api/v3/aggTrades?symbol=BTCUSDT&fromId=${older.aggTradeId}`)).map((row) => row.a)).toEqual([older.aggTradeId]);
    expect((await get(`/api/v3/aggTrades?symbol=BTCUSDT&startTime=${older.tradeTime}`)).map((row) => row.a)).toEqual([older.aggTradeId]);
    expect(await get(`/api/v3/aggTrades?symbol=BTCUSDT&startTime=${newer[0].tradeTime}`)).toEqual([]);
    expect(await get(`/api/v3/aggTrades?symbol=BTCUSDT&fromId=${newer[0].aggTradeId}`)).toEqual([]);
    const latest = await get('/api/v3/aggTrades?symbol=BTCUSDT&limit=1');
    expect(latest.map((row) => row.a)).toEqual([older.aggTradeId]);
    await sleep(500);
    const caughtUp = await get(`/api/v3/aggTrades?symbol=BTCUSDT&fromId=${older.aggTradeId}`);
    expect(caughtUp.map((row) => row.a)).toEqual([older.aggTradeId, ...newer.map((trade) => trade.aggTradeId)]);
  });

  it('takes the lag through setRestLag and the admin route, and refuses a negative one', async () => {
    emulator.setRestLag(0);
    const [now] = emulator.emitTrades('ETHUSDT', 1);
    expect((await get(`/api/v3/aggTrades?symbol=ETHUSDT&fromId=${now.aggTradeId}`)).map((row) => row.a)).toEqual([now.aggTradeId]);
    const post = (body: unknown) => fetch(`${emulator.restBaseUrl}/emulator/rest/lag`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ ms: 60_000 })).status).toBe(200);
    expect(await get(`/api/v3/aggTrades?symbol=ETHUSDT&fromId=${now.aggTradeId}`)).toEqual([]);
    expect((await post({ ms: -1 })).status).toBe(400);
    expect(() => emulator.setRestLag(-1)).toThrow(RangeError);
  });
});
