import { Logger } from '@nestjs/common';
import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { AggTrade } from '@binance-rates/domain';
import { sleep, waitFor } from '@binance-rates/testing';
import { BinanceStreamClient, StreamClientListener } from './binance-stream.client';
import type { BinanceStreamClientOptions } from './binance-stream-client.options';

/** Records what the client tells its owner, with times, so a test can say when prices flowed again. */
class RecordingListener implements StreamClientListener {
  readonly trades: AggTrade[] = [];
  readonly live: Array<{ at: number; symbols: readonly string[] }> = [];
  readonly interrupted: Array<{ at: number; symbols: readonly string[] }> = [];
  onTrade = (trade: AggTrade): void => {
    this.trades.push(trade);
  };
  onSymbolsLive = (symbols: readonly string[]): void => {
    this.live.push({ at: Date.now(), symbols });
  };
  onSymbolsInterrupted = (symbols: readonly string[]): void => {
    this.interrupted.push({ at: Date.now(), symbols });
  };
  tradesAfter(time: number): number {
    let count = 0;
    for (let index = this.trades.length - 1; index >= 0 && this.trades[index].tradeTime >= time; index -= 1) count += 1;
    return count;
  }
}

function options(baseUrl: string, overrides: Partial<BinanceStreamClientOptions> = {}): BinanceStreamClientOptions {
  return {
    baseUrl,
    streamsPerConnection: 200,
    maxOutgoingPerSecond: 4,
    maxStreamsPerMessage: 100,
    timings: { pingAfterIdleMs: 5_000, deadAfterIdleMs: 10_000, requestTimeoutMs: 10_000, connectTimeoutMs: 5_000 },
    renewAfterMs: 23 * 60 * 60_000,
    backoff: { initialMs: 250, maxMs: 30_000, resetAfterMs: 60_000 },
    maxOpensPerWindow: 250,
    opensWindowMs: 5 * 60_000,
    ...overrides,
  };
}

/** Waits for `probe` and tells how long it took to hold. */
async function until(probe: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  await waitFor(probe, { what, timeoutMs });
  return Date.now() - started;
}

/** Silent but valid stream names: the emulator ACKs unknown symbols and never sends anything on them. */
function silentSymbols(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `ZZ${String(index).padStart(5, '0')}QUIET`);
}

/** Largest number of control frames (SUBSCRIBE/UNSUBSCRIBE, pings, pongs) any emulator connection received. */
function maxControlMessagesPerConnection(emulator: BinanceEmulator): number {
  return Math.max(0, ...emulator.connections().map((connection) => connection.controlMessages));
}

describe('BinanceStreamClient against the emulator (connection pool, pacing, liveness, renewal)', () => {
  let emulator: BinanceEmulator;
  let client: BinanceStreamClient | undefined;

  beforeAll(() => Logger.overrideLogger(['error']));

  afterEach(async () => {
    client?.stop();
    client = undefined;
    await emulator?.close();
  });

  it('spreads 2,000 symbols over 10 connections in batches of 100 and resubscribes them after a drop without a 1008', async () => {
    emulator = await startEmulator({ tradesPerSecondPerSymbol: 2, pingIntervalMs: 1_000 });
    const listener = new RecordingListener();
    client = new BinanceStreamClient(options(emulator.wsBaseUrl), listener);
    const symbols = silentSymbols(2_000);
    for (const symbol of symbols) client.add(symbol);

    const firstMs = await until(() => client?.status().liveSymbols === 2_000, 10_000, '2,000 live symbols');
    expect(emulator.connections()).toHaveLength(10);
    expect(emulator.connections().every((connection) => connection.streams.length === 200)).toBe(true);
    expect(maxControlMessagesPerConnection(emulator)).toBe(2);

    emulator.dropAllConnections();
    const droppedAt = Date.now();
    await until(() => listener.interrupted.length > 0, 2_000, 'the drop to be noticed');
    const againMs = await until(() => client?.status().liveSymbols === 2_000, 10_000, '2,000 live symbols again');
    expect(emulator.connections()).toHaveLength(10);
    expect(maxControlMessagesPerConnection(emulator)).toBe(2);
    expect(emulator.controlMessageViolations()).toBe(0);
    process.stdout.write(`[resilience] 2,000 symbols: first subscribe ${firstMs} ms, resubscribed ${againMs} ms after a drop (${Date.now() - droppedAt} ms)\n`);
  });

  it('keeps its frames under 5 per second while answering server pings during a long resubscribe', async () => {
    // Single-stream batches make a connection send many control frames; pings from the server add pongs on top.
    emulator = await startEmulator({ tradesPerSecondPerSymbol: 1, pingIntervalMs: 700 });
    client = new BinanceStreamClient(options(emulator.wsBaseUrl, { maxStreamsPerMessage: 1, streamsPerConnection: 12 }), new RecordingListener());
    for (const symbol of silentSymbols(12)) client.add(symbol);
    await until(() => client?.status().liveSymbols === 12, 15_000, '12 streams subscribed one by one');
    const [connection] = emulator.connections();
    expect(connection.controlMessages).toBe(12);
    expect(connection.pongsReceived).toBeGreaterThanOrEqual(3);
    expect(emulator.controlMessageViolations()).toBe(0);
  });

  it('keeps a quiet link (no trades at all) alive with its own pings', async () => {
    emulator = await startEmulator({ tradesPerSecondPerSymbol: 1 });
    const listener = new RecordingListener();
    client = new BinanceStreamClient(
      options(emulator.wsBaseUrl, { timings: { pingAfterIdleMs: 300, deadAfterIdleMs: 1_500, requestTimeoutMs: 2_000, connectTimeoutMs: 2_000 } }),
      listener,
    );
    client.add('ZZQUIETUSDT');
    await until(() => client?.isLive('ZZQUIETUSDT') === true, 2_000, 'the quiet symbol to be live');
    await sleep(3_000);
    expect(listener.interrupted).toHaveLength(0);
    expect(client.status().reconnects).toBe(0);
    expect(emulator.connections()[0].pingsReceived).toBeGreaterThanOrEqual(4);
  });

  it('replaces a half-open link (no data, pings or pongs) within the dead-link timeout', async () => {
    emulator = await startEmulator({ tradesPerSecondPerSymbol: 20 });
    const listener = new RecordingListener();
    client = new BinanceStreamClient(
      options(emulator.wsBaseUrl, { timings: { pingAfterIdleMs: 500, deadAfterIdleMs: 1_500, requestTimeoutMs: 2_000, connectTimeoutMs: 2_000 } }),
      listener,
    );
    client.add('BTCUSDT');
    await until(() => listener.trades.length > 10, 3_000, 'live trades');
    emulator.freezeConnections();
    const frozenAt = Date.now();
    const replacedMs = await until(() => listener.tradesAfter(frozenAt + 100) > 0, 5_000, 'trades on a new connection');
    expect(replacedMs).toBeLessThan(1_500 + 1_000);
    expect(client.status().reconnects).toBe(1);
  });

  it('renews make-before-break on serverShutdown and before the lifetime cut: no interruption, every id once', async () => {
    emulator = await startEmulator({ tradesPerSecondPerSymbol: 50, connectionLifetimeMs: 1_500 });
    const listener = new RecordingListener();
    client = new BinanceStreamClient(options(emulator.wsBaseUrl, { renewAfterMs: 700 }), listener);
    client.add('BTCUSDT');
    client.add('ETHUSDT');
    await until(() => client?.status().liveSymbols === 2, 2_000, 'both symbols live');
    await sleep(1_000);
    emulator.sendServerShutdown(500);
    await sleep(2_500);
    const status = client.status();
    expect(status.renewals).toBeGreaterThanOrEqual(3);
    expect(status.reconnects).toBe(0);
    expect(listener.interrupted).toHaveLength(0);
    expect(emulator.stats().lifetimeCloses).toBe(0);
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
      const ids = [...new Set(listener.trades.filter((trade) => trade.symbol === symbol).map((trade) => trade.tradeId))].sort((a, b) => a - b);
      // Overlapping connections deliver some ids twice (the owner drops those); none may be missing.
      expect(ids[ids.length - 1] - ids[0] + 1).toBe(ids.length);
    }
  });

  it('isolates a stream Binance refuses so that the rest of its batch is still subscribed', async () => {
    emulator = await startEmulator({ tradesPerSecondPerSymbol: 5 });
    const listener = new RecordingListener();
    client = new BinanceStreamClient(options(emulator.wsBaseUrl), listener);
    const errors: string[] = [];
    Logger.overrideLogger({ log: () => undefined, warn: () => undefined, error: (message: string) => errors.push(message) } as never);
    try {
      for (const symbol of ['BTCUSDT', 'BAD SYMBOL', 'ETHUSDT']) client.add(symbol);
      await until(() => client?.isLive('BTCUSDT') === true && client.isLive('ETHUSDT'), 3_000, 'the valid symbols to be live');
    } finally {
      Logger.overrideLogger(['error']);
    }
    expect(client.isLive('BAD SYMBOL')).toBe(false);
    expect(errors.some((message) => /refused SUBSCRIBE \(id \d+\) of .*bad symbol@aggTrade.*code 2/.test(message))).toBe(true);
    expect(emulator.controlMessageViolations()).toBe(0);
  });
});
