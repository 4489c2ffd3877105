/**
 * The brief's deployment path, run for real: the image built from the Dockerfile, the compose file started (offline
 * profile, with the emulator), symbols added through the proxy, scaled to 3, one stopped, every instance restarted
 * one by one, while clients read and follow the live push through the proxy; every answer is checked.
 * Needs a Docker engine: `.ci/run` installs and starts one; elsewhere without one this file is skipped, loudly.
 */
import { createServer } from 'node:net';
import { ComposeProject, dockerUnavailable, run, sleep } from './support/docker';
import { PushClientReport, readProbes, startChanges, startPushClient, startReads, TrafficLog } from './support/traffic';

const IMAGE = 'binance-rates:latest';
const BUILD_STAGE = 'binance-rates:build';
const IMAGE_BUDGET_BYTES = 250e6;
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT'];
/** Added and removed over and over while the instances come and go. */
const CHANGING_SYMBOL = 'DOGEUSDT';

const unavailable = dockerUnavailable();
if (unavailable) {
  process.stderr.write(
    `\n${'#'.repeat(100)}\n# SKIPPED: the container test (deploy/test) needs a Docker engine and none answers here: ${unavailable}\n` +
      `# .ci/run installs and starts one; on a workstation start Docker and run: npm run test:containers\n${'#'.repeat(100)}\n\n`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== null && value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(500);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms ${lastError}`);
}

(unavailable ? describe.skip : describe)('the compose stack (containers)', () => {
  const timings: Record<string, number> = {};
  let project: ComposeProject;
  let baseUrl: string;
  let emulatorPort: number;

  async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await work();
    } finally {
      timings[step] = Math.round((Date.now() - started) / 100) / 10;
    }
  }

  /** The proxy asks Docker's DNS for the replicas every 2 s (deploy/nginx/nginx.conf, `resolver ... valid=2s`). */
  const proxyReResolved = () => sleep(5_000);

  beforeAll(async () => {
    const hostPort = await freePort();
    emulatorPort = await freePort();
    baseUrl = `http://127.0.0.1:${hostPort}`;
    project = new ComposeProject(`brtest${process.pid}`, {
      HOST_PORT: String(hostPort),
      EMULATOR_HOST_PORT: String(emulatorPort),
      BINANCE_WS_URL: 'ws://emulator:9443',
      BINANCE_REST_URL: 'http://emulator:9443',
    });
    await timed('public images (pulled or stand-ins built)', () => run('bash', ['tools/container-standins.sh'], { timeoutMs: 15 * 60_000 }));
    await timed('image build', async () => {
      // The build stage tagged too, so it stays the cache of the next build and the ones it replaces can go (~1.3 GB each).
      await run('docker', ['build', '--network', 'host', '--target', 'build', '-t', BUILD_STAGE, '.'], { timeoutMs: 15 * 60_000 });
      await run('docker', ['build', '--network', 'host', '-t', IMAGE, '.'], { timeoutMs: 5 * 60_000 });
      await run('docker', ['image', 'prune', '-f', '--filter', 'label=binance-rates.stage=build']);
    });
  }, 31 * 60_000);

  afterAll(async () => {
    if (project) {
      await project.compose(['down', '-v', '--remove-orphans', '-t', '20'], 120_000).catch((error: Error) => process.stderr.write(`${error.message}\n`));
    }
    process.stdout.write(`container test timings (s): ${JSON.stringify(timings)}\n`);
  }, 150_000);

  it('builds an image of at most 250 MB that runs Node.js 22 or 24 as the user node', async () => {
    const [size, user] = (await run('docker', ['image', 'inspect', '-f', '{{.Size}} {{.Config.User}}', IMAGE])).split(' ');
    process.stdout.write(`image ${IMAGE}: ${(Number(size) / 1e6).toFixed(1)} MB\n`);
    expect(Number(size)).toBeLessThanOrEqual(IMAGE_BUDGET_BYTES);
    expect(user).toBe('node');
    const version = await run('docker', ['run', '--rm', '--network', 'none', IMAGE, 'node', '--version']);
    expect(version).toMatch(/^v(22|24)\./);
  });

  it('starts every service healthy, published on the loopback address only, warning that the mutating routes are open', async () => {
    await timed('compose up', () => project.compose(['up', '-d']));
    for (const service of ['postgres', 'redis', 'emulator', 'api', 'proxy']) {
      await project.waitHealthy(service, 1);
    }
    const [proxy] = await project.containers('proxy');
    const [emulator] = await project.containers('emulator');
    expect(await run('docker', ['port', proxy, '8080'])).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await run('docker', ['port', emulator, '9443'])).toBe(`127.0.0.1:${emulatorPort}`);
    const [api] = await project.containers('api');
    const logs = await run('sh', ['-c', `docker logs ${api} 2>&1`]);
    expect(logs).toContain('API_KEYS is not set and the service listens on 0.0.0.0:3000');
  }, 300_000);

  it('adds symbols through the proxy and serves their prices and trades', async () => {
    for (const symbol of SYMBOLS) {
      const response = await fetch(`${baseUrl}/api/currency`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ symbol }),
      });
      expect([response.status, await response.text()]).toEqual([201, expect.stringContaining(symbol)]);
    }
    const probes = readProbes(SYMBOLS);
    await waitFor(
      'prices and 5 stored trades for every symbol',
      async () => {
        for (const probe of probes) {
          const response = await fetch(baseUrl + probe.path);
          if (probe.check(response.status, await response.text()) !== null) return null;
        }
        return true;
      },
      60_000,
    );
  }, 120_000);

  it('answers every read and change while scaling up to 3, stopping one, scaling down and up, and restarting each instance', async () => {
    const log = new TrafficLog();
    const stopReads = startReads(baseUrl, readProbes(SYMBOLS), log, { workers: 4, pauseMs: 60 });
    const stopChanges = startChanges(baseUrl, CHANGING_SYMBOL, log, 250);
    const pushClients = [
      startPushClient(`${baseUrl}/api/currencies/stream?symbols=${SYMBOLS.slice(0, 3).join(',')}`, log),
      startPushClient(`${baseUrl}/api/currencies/stream?symbols=${SYMBOLS.slice(3).join(',')}`, log),
      startPushClient(`${baseUrl}/api/currencies/stream`, log),
    ];
    try {
      log.phase = 'one instance';
      await sleep(3_000);

      log.phase = 'scaling up to 3';
      await timed('scale up to 3', async () => {
        await project.compose(['up', '-d', '--no-recreate', '--scale', 'api=3']);
        await project.waitHealthy('api', 3);
        await proxyReResolved();
      });
      await sleep(3_000);

      log.phase = 'stopping one';
      const [, , third] = await project.containers('api');
      await timed('stop one (SIGTERM)', () => run('docker', ['stop', '-t', '15', third], { timeoutMs: 30_000 }));
      expect(await run('docker', ['inspect', '-f', '{{.State.ExitCode}}', third])).toBe('0');

      log.phase = 'scaling down to 2';
      await timed('scale down to 2', async () => {
        await project.compose(['up', '-d', '--no-recreate', '--scale', 'api=2']);
        await project.waitHealthy('api', 2);
        await proxyReResolved();
      });
      await sleep(3_000);

      log.phase = 'scaling up to 3 again';
      await timed('scale up to 3 again', async () => {
        await project.compose(['up', '-d', '--no-recreate', '--scale', 'api=3']);
        await project.waitHealthy('api', 3);
        await proxyReResolved();
      });

      await timed('rolling restart of 3', async () => {
        for (const [index, container] of (await project.containers('api')).entries()) {
          log.phase = `rolling restart, instance ${index + 1}`;
          await run('docker', ['restart', '-t', '15', container], { timeoutMs: 40_000 });
          await project.waitHealthy('api', 3);
          await proxyReResolved();
        }
      });
      log.phase = 'after the restarts';
      await sleep(3_000);
    } finally {
      await stopReads();
      await stopChanges();
      await Promise.all(pushClients.map((client) => client.stop()));
    }
    const reports: PushClientReport[] = pushClients.map((client) => client.report);
    process.stdout.write(`reads: ${log.requests}; live-push clients: ${JSON.stringify(reports)}\n`);
    if (log.failures.length > 0) {
      const [proxy] = await project.containers('proxy');
      process.stdout.write(`proxy log:\n${await run('sh', ['-c', `docker logs --tail 60 ${proxy} 2>&1`])}\n`);
    }
    expect(log.failures).toEqual([]);
    expect(log.requests).toBeGreaterThan(500);
    for (const report of reports) {
      // Every instance was restarted, so every client was told to reconnect at least once, did, and gets prices again.
      expect(report.endedByServer).toBeGreaterThanOrEqual(1);
      expect(report.connections).toBeGreaterThan(report.endedByServer);
      expect(report.pricesAfterLastConnect).toBeGreaterThan(0);
    }
    for (const service of ['postgres', 'redis', 'emulator', 'proxy']) {
      await project.waitHealthy(service, 1, 5_000);
    }
    await project.waitHealthy('api', 3, 5_000);
  }, 600_000);

  it('limits each client address at the proxy with the 429 the API answers, probes not counted', async () => {
    const burst = await Promise.all(Array.from({ length: 400 }, () => fetch(`${baseUrl}/api/currencies`)));
    const limited = burst.filter((response) => response.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(burst.every((response) => response.status === 200 || response.status === 429)).toBe(true);
    expect(limited[0].headers.get('retry-after')).toBe('1');
    expect(await limited[0].json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    const probes = await Promise.all(Array.from({ length: 300 }, () => fetch(`${baseUrl}/health/live`)));
    expect(probes.map((response) => response.status).filter((status) => status !== 200)).toEqual([]);
  });
});
