import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { waitFor } from '@binance-rates/testing';
import { launchChromium } from './support/browser';
import { startDashboardStack } from './support/dashboard-stack';
import { storeHistoryBefore } from './support/stored-history';

/**
 * `npm run docs:screenshot`: the README's picture of the dashboard, taken the way the e2e specs run it (built service,
 * emulator, a fresh database), so it shows what the code does now. Usage: node dashboard-screenshot.js <out.png>
 */
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT'];

async function main(out: string): Promise<void> {
  // Five hours of BTCUSDT history before it is added, so its chart and 24 h figures have something to show.
  const stack = await startDashboardStack({
    tradesPerSecond: 4,
    seedHistory: ({ databaseUrl, emulator }) =>
      storeHistoryBefore({ databaseUrl, symbol: 'BTCUSDT', before: emulator.tradesOf('BTCUSDT')[0], minutes: 300, tradesPerMinute: 6 }),
  });
  const browser = await launchChromium();
  try {
    for (const symbol of SYMBOLS) {
      const response = await fetch(`${stack.service.baseUrl}/api/currency`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ symbol }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`adding ${symbol} answered ${response.status}: ${await response.text()}`);
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: 'light', deviceScaleFactor: 1 });
    await page.goto(`${stack.pageUrl}#BTCUSDT`);
    await waitFor(async () => /^\d{3} candles of BTCUSDT, 1m$/.test(((await page.locator('#chart-status').textContent()) ?? '').trim()), {
      what: 'the BTCUSDT chart',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    await waitFor(async () => (await page.getByRole('table', { name: /^Recent trades of BTCUSDT/ }).getByRole('row').count()) > 12, {
      what: 'a filled tape',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    // The cluster view's trade rate needs two reports, and every row its stream state.
    await page.waitForTimeout(6_000);
    mkdirSync(dirname(out), { recursive: true });
    await page.screenshot({ path: out, type: 'png', fullPage: true });
    process.stdout.write(`wrote ${out} (${(statSync(out).size / 1024).toFixed(0)} KiB)\n`);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

const out = resolve(process.argv[2] ?? 'docs/dashboard.png');
main(out).catch((error: Error) => {
  process.stderr.write(`screenshot failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
