import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { createTestDatabase, TestDatabase } from '@binance-rates/testing';

const PER_DAY = 1_000;
const CLI = join(__dirname, '../../../dist/apps/api/src/import.cli.js');

/** `npm run import`: the built CLI as its own process, against the emulator's archive and a test database. */
describe('import CLI (built, emulator archive, real PostgreSQL)', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;

  beforeAll(async () => {
    emulator = await startEmulator({
      tradesPerSecondPerSymbol: 0,
      archiveTradesPerDay: PER_DAY,
      symbols: [{ symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', startPrice: '43000.00', listedSince: '2024-01-01' }],
    });
    database = await createTestDatabase();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    await client.query("INSERT INTO tracked_symbol (symbol) VALUES ('BTCUSDT')");
    await client.end();
  });

  afterAll(async () => {
    await emulator?.close();
    await database?.drop();
  });

  function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { PATH: process.env['PATH'] ?? '', DOTENV: 'false', DATABASE_URL: database.url, BINANCE_DATA_URL: emulator.dataBaseUrl },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('imports the days in this process, with plain progress lines when not on a terminal', async () => {
    const { code, stdout } = await runCli(['btcusdt', '2024-01-01', '2024-01-03']);
    expect(stdout).toMatch(/import \d+: BTCUSDT 2024-01-01\.\.2024-01-03, 3 files/);
    expect(stdout).toMatch(/files 3\/3, 3000 trades stored/);
    expect(stdout).toMatch(/done: 3000 trades stored, 0 files missing/);
    expect(code).toBe(0);
  });

  it.each([
    ['no days', ['BTCUSDT'], /usage: npm run import/],
    ['days in the wrong order', ['BTCUSDT', '2024-01-03', '2024-01-01'], /from 2024-01-03 is after to 2024-01-01/],
    ['a symbol not tracked', ['ETHUSDT', '2024-01-01', '2024-01-01'], /ETHUSDT is not tracked/],
  ])('refuses %s with exit code 2 and says why', async (_label, args, message) => {
    const { code, stderr } = await runCli(args);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
  });
});
