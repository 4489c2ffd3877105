import type { Browser, BrowserContext, ConsoleMessage, Locator, Page } from 'playwright-core';
import { waitFor } from '@binance-rates/testing';
import { launchChromium } from './support/browser';
import { DashboardStack, startDashboardStack } from './support/dashboard-stack';
import { storeHistoryBefore } from './support/stored-history';

const API_KEY = 'dashboard-e2e-key-0123456789';

/**
 * The dashboard in headless Chromium against the built service and the emulator: everything is found by role and
 * accessible name, as a screen reader or a keyboard user would. The service requires an API key, so the page must ask
 * for one. Every console message and request of every page is recorded and checked at the end.
 */
describe('dashboard in Chromium (built service + emulator + real PostgreSQL and Redis)', () => {
  let stack: DashboardStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: { text: string; url: string; duringDrop: boolean }[] = [];
  const pageErrors: string[] = [];
  const foreignRequests: string[] = [];
  let pushDropped = false;

  function watch(target: Page): Page {
    target.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') consoleErrors.push({ text: message.text(), url: message.location().url, duringDrop: pushDropped });
    });
    target.on('pageerror', (error) => pageErrors.push(error.message));
    target.on('request', (request) => {
      if (!request.url().startsWith(stack.pageUrl)) foreignRequests.push(request.url());
    });
    return target;
  }

  async function openPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const opened = watch(await context.newPage());
    await opened.setViewportSize(viewport);
    await opened.goto(stack.pageUrl);
    return opened;
  }

  const row = (symbol: string, on: Page = page): Locator => on.getByRole('row').filter({ has: on.getByRole('button', { name: symbol, exact: true }) });
  const priceOf = async (symbol: string): Promise<string> => (await row(symbol).getByRole('cell').first().textContent())?.trim() ?? '';
  const formMessage = (on: Page = page): Locator => on.getByRole('alert');
  const connection = (): Locator => page.getByRole('status').filter({ hasText: /^(Live|Reconnecting…|Connecting…)$/ });
  const chartStatus = (): Locator => page.locator('#chart-panel').getByRole('status');

  async function textOf(locator: Locator): Promise<string> {
    return ((await locator.textContent()) ?? '').trim();
  }

  async function addThroughForm(symbol: string, on: Page = page): Promise<void> {
    await on.getByRole('combobox', { name: 'Symbol to add' }).fill(symbol);
    await on.getByRole('button', { name: 'Add', exact: true }).click();
  }

  async function status(path: string): Promise<number> {
    return (await fetch(`${stack.service.baseUrl}${path}`, { signal: AbortSignal.timeout(5_000) })).status;
  }

  beforeAll(async () => {
    stack = await startDashboardStack({
      tradesPerSecond: 10,
      env: { API_KEYS: API_KEY },
      // 600 minutes of SOLUSDT history, contiguous with what the emulator trades next: more one-minute candles than one
      // page of the candles route (500), for the test that scrolls back in time.
      seedHistory: ({ databaseUrl, emulator }) =>
        storeHistoryBefore({ databaseUrl, symbol: 'SOLUSDT', before: emulator.tradesOf('SOLUSDT')[0], minutes: 600, tradesPerMinute: 2 }),
    });
    browser = await launchChromium();
    context = await browser.newContext();
    page = await openPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('serves the page at / with index.html revalidated and hashed assets cached for good, and links it from Swagger', async () => {
    const index = await fetch(`${stack.service.baseUrl}/`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await index.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const response = await fetch(`${stack.service.baseUrl}${asset}`, { headers: { 'accept-encoding': 'br, gzip' } });
      expect({ asset, status: response.status, cache: response.headers.get('cache-control') }).toEqual({ asset, status: 200, cache: 'public, max-age=31536000, immutable' });
    }
    const swagger = (await (await fetch(`${stack.service.baseUrl}/api-json`)).json()) as { info: { description: string } };
    expect(swagger.info.description).toContain('](/)');
    expect(await status('/no-such-page')).toBe(404);
  });

  it('shows the push as live and an empty list before anything is tracked', async () => {
    await waitFor(async () => (await textOf(connection())) === 'Live', { what: 'the push to be live', timeoutMs: 10_000, intervalMs: 100 });
    expect(await page.getByText('No symbols tracked yet').isVisible()).toBe(true);
  });

  it('suggests symbols from the exchange listing as one types', async () => {
    await page.getByRole('combobox', { name: 'Symbol to add' }).fill('eth');
    await waitFor(async () => (await page.locator('#symbol-suggestions option[value="ETHUSDT"]').count()) === 1, {
      what: 'ETHUSDT among the suggestions',
      timeoutMs: 5_000,
      intervalMs: 100,
    });
  });

  it('asks for the API key once, then adds a symbol through the form; its price appears, then changes', async () => {
    await addThroughForm('btcusdt');
    const dialog = page.getByRole('dialog', { name: 'API key required' });
    await dialog.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await textOf(dialog)).toContain('An API key is required to add symbols.');
    await dialog.getByLabel('API key').fill(API_KEY);
    await dialog.getByRole('button', { name: 'Use key' }).click();
    await waitFor(async () => (await textOf(formMessage())) === 'BTCUSDT is tracked.', { what: 'BTCUSDT added', timeoutMs: 10_000, intervalMs: 100 });

    const first = await waitFor(async () => {
      const price = await priceOf('BTCUSDT');
      return /^\d+\.\d+$/.test(price) ? price : null;
    }, { what: 'a price for BTCUSDT', timeoutMs: 10_000, intervalMs: 100 });
    await waitFor(async () => (await priceOf('BTCUSDT')) !== first, { what: 'the BTCUSDT price to change', timeoutMs: 10_000, intervalMs: 100 });
    await waitFor(async () => (await textOf(row('BTCUSDT').getByRole('cell').nth(3))) === 'live', { what: 'BTCUSDT shown live', timeoutMs: 10_000, intervalMs: 100 });

    // The key is kept for the tab: a second change asks for nothing.
    await addThroughForm('ETHUSDT');
    await waitFor(async () => (await textOf(formMessage())) === 'ETHUSDT is tracked.', { what: 'ETHUSDT added without a prompt', timeoutMs: 10_000, intervalMs: 100 });
    expect(await dialog.isVisible()).toBe(false);
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    expect(await page.evaluate('localStorage.length')).toBe(0);
  });

  it('says the API errors in words: unknown symbol, not trading, malformed', async () => {
    await addThroughForm('NOPEUSDT');
    await waitFor(async () => (await textOf(formMessage())) === 'NOPEUSDT is not a symbol Binance lists. Check the spelling, e.g. BTCUSDT.', {
      what: 'the unknown-symbol message',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    await addThroughForm('HALTUSDT');
    await waitFor(async () => (await textOf(formMessage())) === 'HALTUSDT is listed on Binance but not trading now (status HALT), so it cannot be tracked.', {
      what: 'the not-trading message',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    await addThroughForm('BTC-USDT');
    await waitFor(async () => (await textOf(formMessage())).includes('letters or digits'), { what: 'the malformed-symbol message', timeoutMs: 10_000, intervalMs: 100 });
    expect(await page.getByRole('combobox', { name: 'Symbol to add' }).getAttribute('aria-invalid')).toBe('true');
  });

  it('draws the selected symbol\'s candles with volume, an OHLCV legend, and redraws on another interval', async () => {
    await row('BTCUSDT').getByRole('button', { name: 'BTCUSDT', exact: true }).click();
    await waitFor(async () => /^\d+ candles? of BTCUSDT, 1m$/.test(await textOf(chartStatus())), { what: '1m candles of BTCUSDT', timeoutMs: 10_000, intervalMs: 100 });
    // A volume above 0 comes from the candles route: a candle opened from pushed prices alone has none yet.
    expect(await textOf(page.locator('#chart-legend'))).toMatch(/^BTCUSDT 1m · .* UTC · O [\d.]+ H [\d.]+ L [\d.]+ C [\d.]+ V 0?\.?\d*[1-9][\d.]*$/);
    expect(await page.getByRole('img', { name: /^Candle chart: \d+ candles? of BTCUSDT, 1m$/ }).count()).toBe(1);
    expect(await drawnPixels(page)).toBeGreaterThan(50);

    await page.getByRole('combobox', { name: 'Interval' }).selectOption('1s');
    const candles = await waitFor(async () => {
      const match = /^(\d+) candles? of BTCUSDT, 1s$/.exec(await textOf(chartStatus()));
      return match && Number(match[1]) >= 3 ? Number(match[1]) : null;
    }, { what: 'several 1s candles of BTCUSDT', timeoutMs: 15_000, intervalMs: 200 });
    // Extended live from the push: a new second opens a new candle without asking the candles route again.
    await waitFor(async () => Number(/^(\d+)/.exec(await textOf(chartStatus()))?.[1]) > candles, { what: 'a live 1s candle', timeoutMs: 10_000, intervalMs: 200 });
  });

  it('loads older candles when the view is zoomed and scrolled back in time, with the keyboard', async () => {
    // SOLUSDT's history was stored before the service started (beforeAll); now it is added.
    const added = await fetch(`${stack.service.baseUrl}/api/currency`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ symbol: 'SOLUSDT' }),
    });
    expect(added.status).toBe(201);
    await row('SOLUSDT').waitFor({ timeout: 10_000 });
    await row('SOLUSDT').getByRole('button', { name: 'SOLUSDT', exact: true }).click();
    await page.getByRole('combobox', { name: 'Interval' }).selectOption('1m');
    const shown = await waitFor(async () => {
      const match = /^(\d+) candles of SOLUSDT, 1m$/.exec(await textOf(chartStatus()));
      return match && Number(match[1]) >= 500 ? Number(match[1]) : null;
    }, { what: 'a page of SOLUSDT 1m candles', timeoutMs: 10_000, intervalMs: 100 });
    expect(shown).toBeLessThanOrEqual(502);

    // Its 24 h change and range come from that history and the live price.
    await waitFor(async () => /^[+−]?\d+\.\d\d %[\d.]+ – [\d.]+$/.test(await textOf(row('SOLUSDT').getByRole('cell').nth(1))), {
      what: 'the 24 h change and range of SOLUSDT',
      timeoutMs: 15_000,
      intervalMs: 200,
    });

    const chartImage = page.getByRole('img', { name: /^Candle chart: .* of SOLUSDT, 1m$/ });
    await chartImage.focus();
    for (let press = 0; press < 8; press += 1) await page.keyboard.press('-');
    for (let press = 0; press < 60; press += 1) await page.keyboard.press('ArrowLeft');
    await waitFor(async () => Number(/^(\d+)/.exec(await textOf(chartStatus()))?.[1]) > shown, {
      what: 'older SOLUSDT candles loaded',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
  });

  it('shows the recent trades of the selected symbol and its history health', async () => {
    await row('BTCUSDT').getByRole('button', { name: 'BTCUSDT', exact: true }).click();
    const tape = page.getByRole('table', { name: 'Recent trades of BTCUSDT, newest first' });
    await waitFor(async () => (await tape.getByRole('row').count()) > 3, { what: 'trades on the tape', timeoutMs: 10_000, intervalMs: 200 });
    const sides = await tape.getByRole('row').nth(1).getByRole('cell').last().textContent();
    expect(['buy', 'sell']).toContain(sides);
    await waitFor(async () => (await textOf(page.locator('#gaps'))) === 'No open gaps: the stored history of BTCUSDT is complete.', {
      what: 'the history health',
      timeoutMs: 10_000,
      intervalMs: 200,
    });
  });

  it('shows the cluster: this instance, streaming every symbol, healthy, with its trade rate', async () => {
    const cluster = page.getByRole('region', { name: 'Cluster' });
    await waitFor(async () => {
      const text = await textOf(cluster);
      return text.includes('this page') && text.includes('healthy, 3/3 streams live') && text.includes('BTCUSDT') && text.includes('ETHUSDT') && text.includes('SOLUSDT');
    }, { what: 'the cluster view', timeoutMs: 10_000, intervalMs: 200 });
    // Three symbols trading (10 a second each, in bursts): the instance's last report counts their trades.
    const instance = cluster.getByRole('row').filter({ hasText: 'this page' });
    expect(Number(await textOf(instance.getByRole('cell').nth(1)))).toBeGreaterThan(0);
  });

  it('shows the push reconnecting when it drops, and recovers by itself', async () => {
    pushDropped = true;
    await stack.proxy.cut();
    await waitFor(async () => (await textOf(connection())) === 'Reconnecting…', { what: 'the reconnecting indicator', timeoutMs: 5_000, intervalMs: 50 });
    await stack.proxy.restore();
    await waitFor(async () => (await textOf(connection())) === 'Live', { what: 'the push live again', timeoutMs: 10_000, intervalMs: 100 });
    pushDropped = false;
    const after = await priceOf('BTCUSDT');
    await waitFor(async () => (await priceOf('BTCUSDT')) !== after, { what: 'prices moving again', timeoutMs: 10_000, intervalMs: 100 });
  });

  it('removes a symbol; a new tab must be given the key again, since it is kept for one tab only', async () => {
    const other = await openPage();
    await row('ETHUSDT', other).waitFor({ timeout: 10_000 });
    await other.getByRole('button', { name: 'Remove ETHUSDT' }).click();
    const dialog = other.getByRole('dialog', { name: 'API key required' });
    await dialog.waitFor({ state: 'visible', timeout: 5_000 });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await waitFor(async () => (await textOf(formMessage(other))) === 'An API key is required to remove symbols.', { what: 'the key-required message', timeoutMs: 5_000, intervalMs: 100 });
    await other.close();

    await page.getByRole('button', { name: 'Remove ETHUSDT' }).click();
    await waitFor(async () => (await row('ETHUSDT').count()) === 0, { what: 'ETHUSDT gone from the table', timeoutMs: 5_000, intervalMs: 100 });
    expect(await status('/api/currency/ETHUSDT')).toBe(404);
    expect(await row('BTCUSDT').count()).toBe(1);
  });

  it('adds with the keyboard alone, and names every control', async () => {
    await page.getByRole('combobox', { name: 'Symbol to add' }).focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('bnbusdt');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await textOf(formMessage())) === 'BNBUSDT is tracked.', { what: 'BNBUSDT added with Enter', timeoutMs: 10_000, intervalMs: 100 });
    // Tab from the symbol's button reaches its remove button.
    await row('BNBUSDT').getByRole('button', { name: 'BNBUSDT', exact: true }).focus();
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('aria-label')).toBe('Remove BNBUSDT');

    // Names as the browser computes them for assistive technology: a control without one shows bare, e.g. `- button`.
    const tree = await page.locator('body').ariaSnapshot();
    const unnamed = tree.split('\n').filter((line) => /^\s*- (button|combobox|textbox|link|img|dialog|table|region)\b(?! ")/.test(line));
    expect(unnamed).toEqual([]);
  });

  it('fits a phone-sized screen and follows the system\'s dark theme', async () => {
    const phone = await openPage({ width: 390, height: 844 });
    await row('BTCUSDT', phone).waitFor({ timeout: 10_000 });
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await phone.getByRole('button', { name: 'Add', exact: true }).isVisible()).toBe(true);
    const background = 'getComputedStyle(document.body).backgroundColor';
    const light = await phone.evaluate(background);
    await phone.emulateMedia({ colorScheme: 'dark' });
    expect(await phone.evaluate(background)).not.toBe(light);
    await phone.close();
  });

  it('asked no host but the service and logged no error but the refusals the tests asked for and the requests failed while the push was cut', () => {
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    // Chromium logs every answer of 4xx as an error: the tests provoke those on adding and removing (no key, unknown symbol…).
    const provokedRefusal = (entry: { text: string; url: string }) =>
      /status of (400|401|422) /.test(entry.text) && /\/api\/currency(\/[A-Z0-9]+)?$/.test(new URL(entry.url).pathname);
    const networkFailure = (entry: { text: string }) => /net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE|INCOMPLETE_CHUNKED_ENCODING)/.test(entry.text);
    expect(consoleErrors.filter((entry) => !provokedRefusal(entry) && !(entry.duringDrop && networkFailure(entry)))).toEqual([]);
  });
});

/**
 * Pixels of the chart's largest canvas that differ from its background: candles and volume bars drawn. Run in the page
 * (as text: the specs are compiled without the DOM's types).
 */
function drawnPixels(page: Page): Promise<number> {
  return page.evaluate(`(() => {
    const canvases = [...document.querySelectorAll('#chart canvas')];
    const main = canvases.reduce((largest, canvas) => (canvas.width * canvas.height > largest.width * largest.height ? canvas : largest));
    const { data } = main.getContext('2d').getImageData(0, 0, main.width, main.height);
    let drawn = 0;
    for (let index = 0; index < data.length; index += 4) {
      if (Math.abs(data[index] - data[0]) + Math.abs(data[index + 1] - data[1]) + Math.abs(data[index + 2] - data[2]) > 60) drawn += 1;
    }
    return drawn;
  })()`);
}
