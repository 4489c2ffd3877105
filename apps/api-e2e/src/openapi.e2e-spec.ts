import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { TestDatabase, cleanupRedisPrefix, createTestDatabase, testRedisPrefix, testRedisUrl } from '@binance-rates/testing';
import { ServiceProcess, startService } from './support/service-process';
import { serviceEnv } from './support/service-env';

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
}

/** Redocly's CLI (pinned in package.json) with its `recommended` rules, as a reviewer of the API would run it. */
function redoclyLint(file: string): Promise<LintReport> {
  return new Promise((resolve, reject) => {
    execFile(
      join(__dirname, '../../../node_modules/.bin/redocly'),
      ['lint', file, '--extends', 'recommended', '--format', 'json'],
      { timeout: 60_000, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
      (error, stdout) => {
        // It exits 1 when it finds errors; the report on stdout says which.
        try {
          resolve(JSON.parse(stdout) as LintReport);
        } catch {
          reject(error ?? new Error(`redocly printed no report: ${stdout}`));
        }
      },
    );
  });
}

/** The OpenAPI document the built service publishes at /api-json passes Redocly's recommended rules, without a warning. */
describe('the published OpenAPI document', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let service: ServiceProcess;
  const prefix = testRedisPrefix();
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, tradesPerSecondPerSymbol: 0 });
    database = await createTestDatabase();
    service = await startService(serviceEnv({ databaseUrl: database.url, redisKeyPrefix: prefix, emulator }));
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await emulator?.close();
    await database?.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('has 0 errors and 0 warnings under Redocly recommended', async () => {
    const response = await fetch(`${service.baseUrl}/api-json`);
    expect(response.status).toBe(200);
    const file = join(dir, 'openapi.json');
    writeFileSync(file, await response.text());
    const report = await redoclyLint(file);
    expect(report.problems.map(({ severity, ruleId, location }) => `${severity} ${ruleId} ${location[0]?.pointer}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});
