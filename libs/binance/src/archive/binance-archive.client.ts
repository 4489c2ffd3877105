import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { type ArchiveFile, archiveZipName, archiveZipPath } from '@binance-rates/domain';
import { ArchiveChecksumMismatchError, ArchiveError, ArchiveFormatError, ArchiveUnavailableError } from './archive.errors';

export interface BinanceArchiveClientOptions {
  /** `https://data.binance.vision` (BINANCE_DATA_URL); the paths `/data/spot/...` are appended. */
  baseUrl: string;
  /** A request that sends nothing (no headers, no body bytes) for this long is given up and retried. */
  idleTimeoutMs?: number;
  /** Tries per request in all, the first included. */
  attempts?: number;
  /** Pause before the first retry; it doubles with each. */
  retryDelayMs?: number;
}

/** A file downloaded and verified: its zip is at `path` until `discard()`. */
export interface VerifiedArchiveFile {
  kind: 'verified';
  path: string;
  bytes: number;
  discard(): Promise<void>;
}

/** The archive holds no such file (404): a day before the symbol was listed, or not published yet. */
export type ArchiveDownload = VerifiedArchiveFile | { kind: 'missing' };

const DEFAULTS = { idleTimeoutMs: 30_000, attempts: 4, retryDelayMs: 1_000 };
/** A `.CHECKSUM` is one line; anything much longer is not one. */
const MAX_CHECKSUM_BYTES = 1_024;
const SHA256_LINE = /^([0-9a-fA-F]{64})\s/;

/** What a failed attempt was: worth another try (network, timeout, 5xx), or final. */
class RetryableError extends Error {}

/**
 * Downloads files of Binance's public data archive. A file's `.CHECKSUM` is read first; the zip then streams to a
 * file on disk while its SHA-256 is computed, so a month (a few hundred MB) is never held in memory, and it is handed
 * on only when the hash matches: a mismatch is an ArchiveChecksumMismatchError naming the file, and nothing of it is
 * read. A 404 is `missing`, not an error. Every wait is bounded by `idleTimeoutMs` of silence (a month's download may
 * take minutes, but never long without a byte); failed attempts are retried from the start with a growing pause.
 */
export class BinanceArchiveClient {
  private readonly options: Required<BinanceArchiveClientOptions>;

  constructor(options: BinanceArchiveClientOptions) {
    this.options = { ...DEFAULTS, ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
  }

  async download(file: ArchiveFile, { dir, signal }: { dir: string; signal?: AbortSignal }): Promise<ArchiveDownload> {
    const name = archiveZipName(file);
    const expected = await this.retrying(name, signal, () => this.checksum(file));
    if (expected === null) {
      return { kind: 'missing' };
    }
    const path = join(dir, `${name}.part`);
    const discard = () => rm(path, { force: true });
    try {
      const fetched = await this.retrying(name, signal, () => this.zipTo(file, path, signal));
      if (fetched === null) {
        await discard();
        return { kind: 'missing' };
      }
      if (fetched.sha256 !== expected.toLowerCase()) {
        throw new ArchiveChecksumMismatchError(name, expected.toLowerCase(), fetched.sha256);
      }
      return { kind: 'verified', path, bytes: fetched.bytes, discard };
    } catch (error) {
      await discard();
      throw error;
    }
  }

  /** The SHA-256 the `.CHECKSUM` gives, or null when it does not exist. */
  private async checksum(file: ArchiveFile): Promise<string | null> {
    const name = `${archiveZipName(file)}.CHECKSUM`;
    return this.request(`${archiveZipPath(file)}.CHECKSUM`, undefined, async (body, touch) => {
      let text = '';
      for await (const chunk of body) {
        touch();
        text += (chunk as Buffer).toString('latin1');
        if (text.length > MAX_CHECKSUM_BYTES) {
          throw new ArchiveFormatError(name, `is over ${MAX_CHECKSUM_BYTES} bytes, not a checksum line`);
        }
      }
      const match = SHA256_LINE.exec(`${text.trim()} `);
      if (match === null) {
        throw new ArchiveFormatError(name, `does not start with a SHA-256: ${JSON.stringify(text.slice(0, 80))}`);
      }
      return match[1] as string;
    });
  }

  /** Streams the zip to `path`, hashing it on the way; null on a 404. */
  private zipTo(file: ArchiveFile, path: string, signal: AbortSignal | undefined): Promise<{ sha256: string; bytes: number } | null> {
    return this.request(archiveZipPath(file), signal, async (body, touch) => {
      const hash = createHash('sha256');
      let bytes = 0;
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            touch();
            hash.update(chunk);
            bytes += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(path),
      );
      return { sha256: hash.digest('hex'), bytes };
    });
  }

  /**
   * One GET whose body `read` consumes, given up after `idleTimeoutMs` without a byte (`touch` restarts the clock).
   * Null on a 404; RetryableError on what a retry may cure.
   */
  private async request<T>(path: string, signal: AbortSignal | undefined, read: (body: Readable, touch: () => void) => Promise<T>): Promise<T | null> {
    const abort = new AbortController();
    const onAbort = () => abort.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort);
    let timer: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => abort.abort(new Error(`nothing received for ${this.options.idleTimeoutMs} ms`)), this.options.idleTimeoutMs);
    };
    touch();
    try {
      const response = await fetch(`${this.options.baseUrl}${path}`, { signal: abort.signal });
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok || response.body === null) {
        await response.body?.cancel();
        const what = `GET ${path} answered ${response.status}`;
        throw response.status >= 500 || response.status === 429 ? new RetryableError(what) : new ArchiveUnavailableError(path.slice(path.lastIndexOf('/') + 1), what);
      }
      return await read(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), touch);
    } catch (error) {
      if (signal?.aborted === true || error instanceof ArchiveError || error instanceof RetryableError) {
        throw error;
      }
      const reason = abort.signal.aborted ? (abort.signal.reason as Error).message : (error as Error).message;
      throw new RetryableError(`GET ${path} failed: ${reason}`);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async retrying<T>(name: string, signal: AbortSignal | undefined, attempt: () => Promise<T>): Promise<T> {
    let delay = this.options.retryDelayMs;
    for (let tried = 1; ; tried += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof RetryableError) || signal?.aborted === true) {
          throw error;
        }
        if (tried >= this.options.attempts) {
          throw new ArchiveUnavailableError(name, `${error.message} (${tried} tries)`);
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay *= 2;
      }
    }
  }
}
