import { createHash, Hash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SymbolMarket } from '../market/symbol-market';
import { type ArchiveFile, archiveZipName } from '@binance-rates/domain';
import { parseArchiveKey } from './archive-file';
import { throttleStream } from './archive-throttle';
import { ArchiveZipCache } from './archive-zip-cache';
import { archiveZipStream } from './archive-zip';

export interface ArchiveRouterParams {
  markets: Map<string, SymbolMarket>;
  /** The UTC day the market started: only the days before it are archived (Binance publishes a day the next day). */
  startDay: number;
  tradesPerDay: number;
  /** '' or a path such as '/binance-data': the archive answers under `<basePath>/data/`. */
  basePath: string;
  compressionLevel: number;
}

/**
 * `GET <basePath>/data/spot/{daily,monthly}/aggTrades/<SYMBOL>/<file>.zip[.CHECKSUM]`: Binance's public data archive
 * (binance/binance-public-data) for every listed symbol, from its listing day to the day before the market started.
 * A key that does not exist gets what S3 (behind data.binance.vision) answers: 404 with a `NoSuchKey` XML error.
 * Faults: a file made missing, a checksum made wrong, every download slowed down.
 */
export class ArchiveRouter {
  private readonly markets: Map<string, SymbolMarket>;
  private readonly startDay: number;
  private readonly tradesPerDay: number;
  private readonly basePath: string;
  private readonly compressionLevel: number;
  /** SHA-256 of each zip generated so far, so a `.CHECKSUM` costs one generation, not one per request. */
  private readonly checksums = new Map<string, Promise<string>>();
  /** The zip a `.CHECKSUM` generated, kept for the download that follows it. */
  private readonly zipCache = new ArchiveZipCache();
  private readonly missing = new Set<string>();
  private readonly corrupt = new Set<string>();
  private bytesPerSecond = 0;
  requestsServed = 0;
  /** Zips generated (each costs a core for seconds at a busy symbol's density); a cached one served is not counted. */
  zipsGenerated = 0;

  constructor({ markets, startDay, tradesPerDay, basePath, compressionLevel }: ArchiveRouterParams) {
    this.markets = markets;
    this.startDay = startDay;
    this.tradesPerDay = tradesPerDay;
    this.basePath = basePath;
    this.compressionLevel = compressionLevel;
  }

  handles(pathname: string): boolean {
    return pathname.startsWith(`${this.basePath}/data/`);
  }

  /** From now on the file of `symbol` on `date` (`YYYY-MM-DD` daily, `YYYY-MM` monthly) answers 404. */
  makeMissing(symbol: string, date: string): void {
    this.missing.add(`${symbol}/${date}`);
  }

  /** From now on that file's `.CHECKSUM` holds a hash that does not match its zip. */
  corruptChecksum(symbol: string, date: string): void {
    this.corrupt.add(`${symbol}/${date}`);
  }

  /** Every download from now on is paced at this many bytes a second (0: full speed). */
  throttle(bytesPerSecond: number): void {
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Removes the zips kept on disk. */
  close(): void {
    this.zipCache.close();
  }

  resetFaults(): void {
    this.missing.clear();
    this.corrupt.clear();
    this.bytesPerSecond = 0;
  }

  handle(request: IncomingMessage, response: ServerResponse, pathname: string): void {
    this.requestsServed++;
    const key = safeDecode(pathname.slice(this.basePath.length + 1));
    const requested = request.method === 'GET' || request.method === 'HEAD' ? parseArchiveKey(key) : null;
    const file = requested?.file;
    const market = file ? this.markets.get(file.symbol) : undefined;
    if (!file || !market || !this.exists(file, market)) {
      sendNoSuchKey(response, key);
      return;
    }
    const serve = requested?.checksum ? this.sendChecksum(request, response, file, market) : this.sendZip(request, response, file, market);
    serve.catch(() => response.destroy());
  }

  private exists(file: ArchiveFile, market: SymbolMarket): boolean {
    return file.lastDay < this.startDay && file.lastDay >= market.listing.listedDay && !this.missing.has(`${file.symbol}/${file.date}`);
  }

  private async sendChecksum(request: IncomingMessage, response: ServerResponse, file: ArchiveFile, market: SymbolMarket): Promise<void> {
    let hex = await this.checksumOf(file, market);
    if (this.corrupt.has(`${file.symbol}/${file.date}`)) {
      hex = createHash('sha256').update(`corrupt ${hex}`).digest('hex');
    }
    // sha256sum's format, which `sha256sum -c` reads: hash, two spaces, file name.
    const body = `${hex}  ${archiveZipName(file)}\n`;
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(body) });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  private async sendZip(request: IncomingMessage, response: ServerResponse, file: ArchiveFile, market: SymbolMarket): Promise<void> {
    // Generated while sent, so the length is not known before the end: the body is chunked.
    response.writeHead(200, { 'content-type': 'application/zip' });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const hash = createHash('sha256');
    const hashed = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    const zip = (await this.zipCache.take(this.cacheKey(file))) ?? this.zip(file, market);
    if (this.bytesPerSecond > 0) {
      await pipeline(zip, hashed, throttleStream(this.bytesPerSecond), response);
    } else {
      await pipeline(zip, hashed, response);
    }
    this.remember(file, hash);
  }

  private checksumOf(file: ArchiveFile, market: SymbolMarket): Promise<string> {
    const key = this.cacheKey(file);
    let checksum = this.checksums.get(key);
    if (!checksum) {
      checksum = this.zipCache.hashAndKeep(key, this.zip(file, market));
      checksum.catch(() => this.checksums.delete(key));
      this.checksums.set(key, checksum);
    }
    return checksum;
  }

  private remember(file: ArchiveFile, hash: Hash): void {
    const key = this.cacheKey(file);
    if (!this.checksums.has(key)) {
      this.checksums.set(key, Promise.resolve(hash.digest('hex')));
    }
  }

  private cacheKey(file: ArchiveFile): string {
    return `${file.period}/${archiveZipName(file)}`;
  }

  private zip(file: ArchiveFile, market: SymbolMarket): Readable {
    this.zipsGenerated += 1;
    return archiveZipStream({ file, listing: market.listing, tradesPerDay: this.tradesPerDay, compressionLevel: this.compressionLevel });
  }
}

/** S3's answer to a key it does not hold (its bucket lets anyone list, so 404 rather than 403 AccessDenied). */
function sendNoSuchKey(response: ServerResponse, key: string): void {
  const requestId = createHash('sha256').update(key).digest('hex').slice(0, 16).toUpperCase();
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${escapeXml(key)}</Key>` +
    `<RequestId>${requestId}</RequestId></Error>`;
  response.writeHead(404, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
