import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BinanceEmulator, startEmulator } from '../src';

interface ProbeTrade {
  id: string;
  symbol: string;
  price: number;
  amount: number;
  timestamp: number;
}

interface ProbeResult {
  error?: string;
  marketCount: number;
  btc: { id: string; spot: boolean; active: boolean; precision: { price: number; amount: number } };
  haltActive: boolean;
  trades: ProbeTrade[];
  aggTrades: ProbeTrade[];
  fetched: ProbeTrade[];
}

/**
 * ccxt's `binance` (pro) pointed at the emulator: spot REST via `urls.api.public` (…/api/v3), spot streams via
 * `urls.api.ws.spot` (ccxt connects to `<that>/<n>` and SUBSCRIBEs). Only spot markets are loaded, so the
 * fapi/dapi hosts are never called. The ccxt side runs in a child process (see ccxt-probe.mjs for why).
 */
describe('ccxt binance against the emulator', () => {
  let emulator: BinanceEmulator;
  let result: ProbeResult;

  beforeAll(async () => {
    emulator = await startEmulator({ tradesPerSecondPerSymbol: 0 });
    emulator.setTradeRate('BTCUSDT', 50);
    emulator.setTradeRate('ETHUSDT', 50);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(__dirname, 'ccxt-probe.mjs'), emulator.restBaseUrl, emulator.wsBaseUrl],
      { timeout: 30_000 },
    );
    result = JSON.parse(stdout) as ProbeResult;
  });
  afterAll(() => emulator.close());

  it('loads markets from exchangeInfo', () => {
    expect(result.error).toBeUndefined();
    expect(result.marketCount).toBeGreaterThanOrEqual(300);
    expect(result.btc).toMatchObject({ id: 'BTCUSDT', spot: true, active: true, precision: { price: 0.01, amount: 0.00001 } });
    expect(result.haltActive).toBe(false);
  });

  it('watchTradesForSymbols receives live trades on the default @trade streams', () => {
    expect(result.trades.length).toBeGreaterThan(0);
    expect(['BTC/USDT', 'ETH/USDT']).toContain(result.trades[0].symbol);
    expect(result.trades[0].price).toBeGreaterThan(0);
  });

  it('watchTradesForSymbols with name aggTrade yields the emulator’s aggregate trades', () => {
    const trade = result.aggTrades[result.aggTrades.length - 1];
    const record = emulator.tradeById('BTCUSDT', Number(trade.id));
    expect(record).toBeDefined();
    expect(trade.price).toBe(Number(record?.price));
    expect(trade.amount).toBe(Number(record?.quantity));
    expect(trade.timestamp).toBe(record?.tradeTime);
  });

  it('fetchTrades reads aggTrades over REST', () => {
    expect(result.fetched).toHaveLength(20);
    const ids = result.fetched.map((trade) => Number(trade.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(result.fetched[0].price).toBe(Number(emulator.tradeById('BTCUSDT', ids[0])?.price));
  });
});
