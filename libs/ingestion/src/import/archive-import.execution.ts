import {
  type ArchiveDownload,
  ArchiveError,
  type ArchiveFile,
  archiveFileKey,
  archiveFileOfKey,
  archiveZipName,
  type BinanceArchiveClient,
  dailyFilesOf,
  tradeBatchesOfZip,
} from '@binance-rates/binance';
import { lastIdOf, type TradeRun } from '@binance-rates/domain';
import { type ArchiveImportRecord, type ArchiveImportRepository, BLOCK_TRADES, planBlocks, type TradeHistoryWriter } from '@binance-rates/storage';

/**
 * Trades parsed before they are stored: one store is one transaction holding the symbol's watermark lock, which a live
 * write of the same symbol waits for, and its encoding runs on the event loop live prices share, so it is kept to two
 * blocks (a few milliseconds), not a whole file.
 */
export const IMPORT_BATCH_TRADES = 2 * BLOCK_TRADES;

/** How far an import got, for whoever watches it (the CLI's progress bar). */
export interface ArchiveImportSnapshot {
  filesDone: number;
  filesTotal: number;
  missingFiles: readonly string[];
  tradesStored: number;
  /** The file being read, `daily/2024-02-03`; null between files. */
  currentFile: string | null;
}

export interface ArchiveImportExecutionParams {
  archive: BinanceArchiveClient;
  writer: TradeHistoryWriter;
  imports: ArchiveImportRepository;
  /** Who holds the claim (INSTANCE_ID, or the CLI's own name). */
  owner: string;
  /** How long a claim holds without renewal; renewed at every batch and every third of it meanwhile. */
  leaseMs: number;
  /** Where zips are downloaded to before they are verified and read. */
  dir: string;
  /** Settles once the live path has room: the import waits on it before every batch it stores. */
  yieldToLive: () => Promise<void>;
  onProgress?: (snapshot: ArchiveImportSnapshot) => void;
  /** Trades per store; default IMPORT_BATCH_TRADES. */
  batchTrades?: number;
}

/** How a run ended: every file read (`done`), or the claim lost (cancelled, taken over) or the run stopped. */
export type ArchiveImportOutcome = 'done' | 'lost' | 'stopped';

class ClaimLostError extends Error {}

/**
 * Runs one claimed import: each file of its list in order is downloaded and verified (ArchiveClient), its CSV read from
 * the zip, and its trades stored as blocks (form `block`: old history skips the hot table) through the one
 * TradeHistoryWriter, so whatever else stored them (live, backfills, earlier imports) each is stored once. After every
 * batch the progress is written under the claim: files done, and the highest id stored from the file being read. A
 * run that resumes (this instance's, or another's after a kill) skips the files done and, within the file, the ids
 * already stored, so nothing is stored twice and nothing skipped; a kill between a store and its progress only makes
 * the writer find those trades stored. One store is in flight while a worker thread unzips and decodes the next batches
 * (tradeBatchesOfZip), so the service's event loop only stores.
 */
export class ArchiveImportExecution {
  private files: string[];
  private filesDone: number;
  private checkpointId: number | null;
  private readonly missing: string[];
  private stored: number;
  /** Stored since the last progress written. */
  private unreported = 0;
  private filesChanged = false;
  private current: string | null = null;
  private lost = false;
  /** The next file's download, started while the current one is read. */
  private next: { key: string; download: Promise<ArchiveDownload> } | null = null;
  /** Aborts a download started ahead that the run ends without reading. */
  private readonly ahead = new AbortController();
  /** Progress writes go out one after another, so a later state never lands before an earlier one. */
  private reporting: Promise<void> = Promise.resolve();

  constructor(
    private readonly job: ArchiveImportRecord,
    private readonly params: ArchiveImportExecutionParams,
  ) {
    this.files = [...job.files];
    this.filesDone = job.filesDone;
    this.checkpointId = job.checkpointId;
    this.missing = [...job.missingFiles];
    this.stored = job.tradesStored;
  }

  /** Runs the import until every file is read, its claim is lost or `signal` aborts. A file that fails ends it with that error. */
  async run(signal: AbortSignal): Promise<ArchiveImportOutcome> {
    const heartbeat = setInterval(() => void this.report().catch(() => undefined), Math.max(1, Math.floor(this.params.leaseMs / 3)));
    try {
      while (this.filesDone < this.files.length) {
        if (signal.aborted) {
          return 'stopped';
        }
        const key = this.files[this.filesDone] as string;
        const file = archiveFileOfKey(this.job.symbol, key);
        if (file === null) {
          throw new Error(`import ${this.job.id} lists ${JSON.stringify(key)}, not an archive file`);
        }
        this.current = key;
        this.emit();
        await this.readFile(file, signal);
        this.current = null;
        await this.report();
      }
      return 'done';
    } catch (error) {
      if (error instanceof ClaimLostError || this.lost) {
        return 'lost';
      }
      if (signal.aborted) {
        return 'stopped';
      }
      throw error;
    } finally {
      clearInterval(heartbeat);
      this.ahead.abort();
    }
  }

  private async readFile(file: ArchiveFile, signal: AbortSignal): Promise<void> {
    const download = await this.download(file, signal);
    if (download.kind === 'missing') {
      if (file.period === 'monthly') {
        // Not published yet (early in the next month): its days are read instead.
        this.files.splice(this.filesDone, 1, ...dailyFilesOf(file).map(archiveFileKey));
        this.filesChanged = true;
      } else {
        this.missing.push(archiveFileKey(file));
        this.nextFile();
      }
      return;
    }
    this.fetchAhead(signal);
    try {
      const name = archiveZipName(file);
      const batches = tradeBatchesOfZip({
        path: download.path,
        name,
        symbol: file.symbol,
        afterId: this.checkpointId ?? -1,
        batchTrades: this.params.batchTrades ?? IMPORT_BATCH_TRADES,
      });
      let storing: Promise<void> = Promise.resolve();
      for await (const runs of batches) {
        if (signal.aborted) {
          throw signal.reason;
        }
        await storing;
        storing = this.store(runs);
        // Awaited before the next store or at the end; until then a failure must not count as unhandled.
        storing.catch(() => undefined);
      }
      await storing;
      this.nextFile();
    } catch (error) {
      if (signal.aborted || error instanceof ClaimLostError || error instanceof ArchiveError) {
        throw error;
      }
      throw new Error(`${archiveZipName(file)}: ${(error as Error).message}`);
    } finally {
      await download.discard();
    }
  }

  /** The file's download, started ahead while the file before it was read, or now. */
  private download(file: ArchiveFile, signal: AbortSignal): Promise<ArchiveDownload> {
    const key = archiveFileKey(file);
    const ahead = this.next;
    this.next = null;
    if (ahead?.key === key) {
      return ahead.download;
    }
    ahead?.download.then((unused) => (unused.kind === 'verified' ? unused.discard() : undefined), () => undefined);
    return this.params.archive.download(file, { dir: this.params.dir, signal });
  }

  /**
   * Downloads the next file while this one is read and stored: the download waits on the network (and the archive),
   * the reading on this process and PostgreSQL, so doing both at once hides the download. One file ahead at most.
   */
  private fetchAhead(signal: AbortSignal): void {
    const key = this.files[this.filesDone + 1];
    const file = key === undefined ? null : archiveFileOfKey(this.job.symbol, key);
    if (key === undefined || file === null || signal.aborted) {
      return;
    }
    const download = this.params.archive.download(file, { dir: this.params.dir, signal: AbortSignal.any([signal, this.ahead.signal]) });
    download.catch(() => undefined);
    this.next = { key, download };
  }

  private async store(runs: readonly TradeRun[]): Promise<void> {
    if (runs.length === 0) {
      return;
    }
    await this.params.yieldToLive();
    const stored = await this.params.writer.store(planBlocks(runs, BLOCK_TRADES), 'block');
    this.stored += stored;
    this.unreported += stored;
    this.checkpointId = Math.max(this.checkpointId ?? -1, ...runs.map(lastIdOf));
    await this.report();
  }

  private nextFile(): void {
    this.filesDone += 1;
    this.checkpointId = null;
  }

  /** Writes the progress and renews the claim; throws ClaimLostError once it is lost. */
  private report(): Promise<void> {
    const written = this.reporting.then(() => this.writeProgress());
    this.reporting = written.catch(() => undefined);
    return written;
  }

  private async writeProgress(): Promise<void> {
    if (this.lost) {
      throw new ClaimLostError();
    }
    const added = this.unreported;
    this.unreported = 0;
    const kept = await this.params.imports
      .progress({
        id: this.job.id,
        owner: this.params.owner,
        leaseMs: this.params.leaseMs,
        filesDone: this.filesDone,
        checkpointId: this.checkpointId,
        addedTrades: added,
        files: this.filesChanged ? this.files : undefined,
        missingFiles: this.missing,
      })
      .catch((error: Error) => {
        this.unreported += added;
        throw error;
      });
    if (!kept) {
      this.lost = true;
      throw new ClaimLostError();
    }
    this.filesChanged = false;
    this.emit();
  }

  private emit(): void {
    this.params.onProgress?.({
      filesDone: this.filesDone,
      filesTotal: this.files.length,
      missingFiles: this.missing,
      tradesStored: this.stored,
      currentFile: this.current,
    });
  }
}
