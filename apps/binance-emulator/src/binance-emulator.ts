import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ArchiveRouter } from './archive/archive.router';
import { isArchiveDate } from './archive/archive-file';
import { EmulatorOptions, ResolvedEmulatorOptions, resolveEmulatorOptions } from './emulator.options';
import { MarketSimulator } from './market/market-simulator';
import type { AggTradeRecord, SymbolStatus } from './market/market.types';
import type { EmulatorControl, EmulatorStats, RestFaultStatus, SymbolStats, TradesQuery } from './emulator.types';
import { handleAdminRequest } from './rest/admin-api.router';
import { sendJson } from './rest/http-io';
import { PublicApiRouter } from './rest/public-api.router';
import type { ClientSessionInfo } from './ws/client-session';
import { StreamServer } from './ws/stream-server';

/** A Binance Spot market-data emulator: WebSocket streams and REST on one port. */
export class BinanceEmulator implements EmulatorControl {
  readonly port: number;
  readonly host: string;
  /** `ws://127.0.0.1:PORT`; append `/ws`, `/ws/<stream>` or `/stream?streams=…`. */
  readonly wsBaseUrl: string;
  /** `http://127.0.0.1:PORT`; append `/api/v3/…` or `/emulator/…`. */
  readonly restBaseUrl: string;
  /** What `BINANCE_DATA_URL` points at: the archive's files are under `<dataBaseUrl>/data/spot/…`. */
  readonly dataBaseUrl: string;
  private readonly startedAt = Date.now();
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly market: MarketSimulator,
    private readonly streams: StreamServer,
    private readonly api: PublicApiRouter,
    private readonly archive: ArchiveRouter,
    private readonly options: ResolvedEmulatorOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    this.port = port;
    this.host = options.host;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    this.wsBaseUrl = `ws://${host}:${port}`;
    this.restBaseUrl = `http://${host}:${port}`;
    this.dataBaseUrl = `${this.restBaseUrl}${options.archiveBasePath}`;
  }

  static async start(options?: EmulatorOptions): Promise<BinanceEmulator> {
    const resolved = resolveEmulatorOptions(options);
    const streams = new StreamServer({
      pingIntervalMs: resolved.pingIntervalMs,
      pongTimeoutMs: resolved.pongTimeoutMs,
      connectionLifetimeMs: resolved.connectionLifetimeMs,
      maxIncomingPerSecond: resolved.maxIncomingPerSecond,
      maxStreamsPerConnection: resolved.maxStreamsPerConnection,
      maxBufferedBytes: resolved.maxBufferedBytes,
    });
    const market = new MarketSimulator({
      specs: resolved.symbols,
      defaultTradesPerSecond: resolved.tradesPerSecondPerSymbol,
      historyLimit: resolved.historyLimitPerSymbol,
      seed: resolved.seed,
      archiveTradesPerDay: resolved.archiveTradesPerDay,
      onTrade: (symbolMarket, trade, eventTime) => streams.publishTrade(symbolMarket, trade, eventTime),
      onBatchEnd: () => streams.flush(),
    });
    const api = new PublicApiRouter({ markets: market.markets, weightLimit: resolved.restWeightLimitPerMinute, lagMs: resolved.restLagMs });
    const archive = new ArchiveRouter({
      markets: market.markets,
      startDay: market.startDay,
      tradesPerDay: resolved.archiveTradesPerDay,
      basePath: resolved.archiveBasePath,
      compressionLevel: resolved.archiveCompressionLevel,
    });
    const server = createServer();
    server.on('upgrade', (request, socket, head) => {
      if (!streams.handleUpgrade(request, socket, head)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(resolved.port, resolved.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const emulator = new BinanceEmulator(server, market, streams, api, archive, resolved);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => emulator.route(request, response));
    market.start();
    return emulator;
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.market.stop();
      await this.streams.close();
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
      this.archive.close();
    })();
    return this.closed;
  }

  subscriptions(): Array<{ connectionId: string; streams: string[] }> {
    return this.streams.connectionInfos().map(({ connectionId, streams }) => ({ connectionId, streams }));
  }

  /** Every open connection with its counters (control messages, pings, pongs, frames received, events sent). */
  connections(): ClientSessionInfo[] {
    return this.streams.connectionInfos();
  }

  /** Retained aggregate trades of a symbol, oldest first, exactly as they were sent. */
  tradesOf(symbol: string, { fromId, limit }: TradesQuery = {}): AggTradeRecord[] {
    const market = this.market.require(symbol);
    const { history } = market;
    const rows =
      fromId !== undefined ? history.readFromId(fromId, limit ?? history.size) : history.readLatest(limit ?? history.size);
    return rows.map((row) => market.toRecord(row));
  }

  tradeById(symbol: string, aggTradeId: number): AggTradeRecord | undefined {
    const market = this.market.require(symbol);
    const row = market.history.get(aggTradeId);
    return row && market.toRecord(row);
  }

  /** Undefined for an unknown symbol or one that has not traded yet. */
  lastTradeId(symbol: string): number | undefined {
    return this.market.markets.get(symbol)?.history.newestId;
  }

  lastPrice(symbol: string): string | undefined {
    const market = this.market.markets.get(symbol);
    return market && market.formatPrice(market.lastPriceTicks);
  }

  setTradeRate(symbol: string, perSecond: number): void {
    this.market.setTradeRate(symbol, perSecond);
  }

  setSymbolStatus(symbol: string, status: SymbolStatus): void {
    this.market.setStatus(symbol, status);
  }

  /** Produces `count` trades for `symbol` immediately (also for HALT/BREAK or rate 0) and returns them. */
  emitTrades(symbol: string, count: number): AggTradeRecord[] {
    const market = this.market.require(symbol);
    return this.market.emitTrades(symbol, count).map((trade) => market.toRecord(trade));
  }

  /** Like a network drop: sockets are destroyed without a close frame. */
  dropAllConnections(): void {
    this.streams.dropAll();
  }

  /** Half-open: open connections stay up but get nothing (no data, pings or pongs) and are ignored; new ones work. */
  freezeConnections(): void {
    this.streams.freezeAll();
  }

  /** Sends `serverShutdown` (raw or combined, per connection) and closes each connection after `graceMs`. */
  sendServerShutdown(graceMs = this.options.serverShutdownGraceMs): void {
    this.streams.announceShutdown(graceMs);
  }

  setConnectionLifetime(ms: number): void {
    this.streams.setConnectionLifetime(ms);
  }

  /** The next `count` REST API requests fail with Binance's body for `status` (Retry-After for 429/418). */
  failRest(count: number, status: RestFaultStatus, retryAfterSec?: number): void {
    this.api.injectFaults(count, { status, retryAfterSec });
  }

  setRestWeightLimit(limit: number): void {
    this.api.setWeightLimit(limit);
  }

  /** From now on an `aggTrades` page holds no trade newer than now − `ms` (0: REST keeps up with the streams). */
  setRestLag(ms: number): void {
    if (!(ms >= 0)) {
      throw new RangeError(`REST lag must be 0 or more, got ${ms}`);
    }
    this.api.setLag(ms);
  }

  /** Forgets used weight, bans and pending injected REST faults. */
  resetRestLimits(): void {
    this.api.limiter.reset();
    this.api.clearFaults();
  }

  /** The archive's file of `symbol` on `date` (`YYYY-MM-DD` daily, `YYYY-MM` monthly) answers 404 from now on. */
  makeArchiveFileMissing(symbol: string, date: string): void {
    this.archive.makeMissing(this.requireArchiveSymbol(symbol), requireArchiveDate(date));
  }

  /** That file's `.CHECKSUM` no longer matches its zip. */
  corruptArchiveChecksum(symbol: string, date: string): void {
    this.archive.corruptChecksum(this.requireArchiveSymbol(symbol), requireArchiveDate(date));
  }

  /** Archive downloads are paced at `bytesPerSecond` from now on (0: full speed). */
  throttleArchive(bytesPerSecond: number): void {
    if (!(bytesPerSecond >= 0)) {
      throw new RangeError(`bytes per second must be 0 or more, got ${bytesPerSecond}`);
    }
    this.archive.throttle(bytesPerSecond);
  }

  resetArchiveFaults(): void {
    this.archive.resetFaults();
  }

  /** Connections closed with 1008 for sending more than `maxIncomingPerSecond` frames in a second. */
  controlMessageViolations(): number {
    return this.streams.controlMessageViolations;
  }

  stats(): EmulatorStats {
    const symbols: Record<string, SymbolStats> = {};
    let tradesGenerated = 0;
    for (const market of this.market.markets.values()) {
      tradesGenerated += market.generatedCount;
      symbols[market.symbol] = {
        status: market.status,
        tradesPerSecond: market.tradesPerSecond,
        generated: market.generatedCount,
        sent: market.sentCount,
        lastTradeId: market.history.newestId,
        retained: market.history.size,
      };
    }
    return {
      uptimeMs: Date.now() - this.startedAt,
      tradesGenerated,
      restRequests: this.api.requestsServed,
      archiveRequests: this.archive.requestsServed,
      archiveZipsGenerated: this.archive.zipsGenerated,
      ...this.streams.statistics(),
      symbols,
    };
  }

  private requireArchiveSymbol(symbol: string): string {
    this.market.require(symbol);
    return symbol;
  }

  private route(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://emulator');
    if (url.pathname.startsWith('/api/')) {
      this.api.handle(request, response, url);
    } else if (this.archive.handles(url.pathname)) {
      this.archive.handle(request, response, url.pathname);
    } else if (url.pathname.startsWith('/emulator/')) {
      handleAdminRequest(this, request, response, url).catch((error: unknown) => {
        sendJson(response, 500, JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
      });
    } else {
      sendJson(response, 404, '{"code":-1000,"msg":"Not found."}');
    }
  }
}

function requireArchiveDate(date: string): string {
  if (!isArchiveDate(date)) {
    throw new RangeError(`date must be YYYY-MM-DD (a daily file) or YYYY-MM (a monthly file), got ${date}`);
  }
  return date;
}

export function startEmulator(options?: EmulatorOptions): Promise<BinanceEmulator> {
  return BinanceEmulator.start(options);
}
