import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Zips kept at once: the import downloads one file ahead, so two are enough; a week of daily files warmed ahead fits. */
const MAX_ZIPS = 8;

interface CachedZip {
  path: string;
  /** Settles with the zip's SHA-256 once the file is complete. */
  written: Promise<string>;
}

/**
 * Zips generated to answer a `.CHECKSUM`, kept on disk until the download that follows: an importer asks the
 * checksum first and the zip right after, and generating a file is the emulator's whole cost (a BTCUSDT day ~4 s
 * of a core), so the pair costs one generation, not two. A zip is read from here once and dropped (a retry
 * generates it again, byte for byte); at most MAX_ZIPS are kept, the oldest dropped first. Files live in a
 * directory of their own under the system's temporary directory, removed by `close()`. A month of a busy symbol is
 * about a gigabyte, so the bytes go to disk rather than memory.
 */
export class ArchiveZipCache {
  private dir: string | null = null;
  private readonly zips = new Map<string, CachedZip>();
  private written = 0;
  /** Zips generated for a checksum so far. */
  generated = 0;

  /** Writes `zip` to the cache under `key` while hashing it; resolves to the SHA-256 once it is all written. */
  hashAndKeep(key: string, zip: Readable): Promise<string> {
    this.drop(key);
    this.dir ??= mkdtempSync(join(tmpdir(), 'binance-emulator-archive-'));
    const path = join(this.dir, `${(this.written += 1)}.zip`);
    this.generated += 1;
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    const written = pipeline(zip, hashing, createWriteStream(path)).then(() => hash.digest('hex'));
    const cached = { path, written };
    this.zips.set(key, cached);
    written.catch(() => this.drop(key, cached));
    while (this.zips.size > MAX_ZIPS) {
      this.drop(this.zips.keys().next().value as string);
    }
    return written;
  }

  /** The zip kept under `key`, taken out of the cache (its file goes once read), or null when none is. */
  async take(key: string): Promise<Readable | null> {
    const cached = this.zips.get(key);
    if (cached === undefined) {
      return null;
    }
    this.zips.delete(key);
    try {
      await cached.written;
    } catch {
      return null;
    }
    const stream = createReadStream(cached.path);
    stream.once('close', () => void rm(cached.path, { force: true }));
    return stream;
  }

  close(): void {
    this.zips.clear();
    if (this.dir !== null) {
      rmSync(this.dir, { recursive: true, force: true });
      this.dir = null;
    }
  }

  private drop(key: string, only?: CachedZip): void {
    const cached = this.zips.get(key);
    if (cached !== undefined && (only === undefined || cached === only)) {
      this.zips.delete(key);
      void cached.written.catch(() => undefined).finally(() => rm(cached.path, { force: true }));
    }
  }
}
