import { Injectable } from '@nestjs/common';
import { archiveFileKey, dayOf, dayText, parseDay, planArchiveFiles } from '@binance-rates/binance';
import { ArchiveImportRunner, TrackedSymbolsService } from '@binance-rates/ingestion';
import { type ArchiveImportRecord, ArchiveImportRepository } from '@binance-rates/storage';
import { ImportNotFoundError, ImportRangeInvalidError, SymbolNotTrackedError } from './serving.errors';

/** The most days one import may span: three years. A longer history is imported in several. */
export const MAX_IMPORT_DAYS = 1_096;
/** Binance's spot archive starts in 2017. */
const FIRST_ARCHIVE_DAY = parseDay('2017-01-01') as number;
/** Imports a list answers with, newest first. */
const LISTED_IMPORTS = 100;

export interface ImportRange {
  /** First and last UTC day, inclusive, `YYYY-MM-DD`. */
  from: string;
  to: string;
}

/** History imports from Binance's public data archive: asked for, followed and cancelled over the API. */
@Injectable()
export class ImportsService {
  constructor(
    private readonly tracked: TrackedSymbolsService,
    private readonly imports: ArchiveImportRepository,
    private readonly runner: ArchiveImportRunner,
  ) {}

  /** Queues an import of a tracked symbol's days; whichever instance is free runs it (this one, if it is). */
  async create(symbol: string, range: ImportRange, now = Date.now()): Promise<ArchiveImportRecord> {
    this.assertTracked(symbol);
    const { fromDay, toDay } = checkedRange(range, dayOf(now));
    const files = planArchiveFiles({ symbol, fromDay, toDay, today: dayOf(now) }).map(archiveFileKey);
    const created = await this.imports.create({ symbol, fromDay: dayText(fromDay), toDay: dayText(toDay), files });
    this.runner.wake();
    return created;
  }

  async get(symbol: string, id: number): Promise<ArchiveImportRecord> {
    this.assertTracked(symbol);
    const found = await this.imports.get(id);
    if (found === null || found.symbol !== symbol) {
      throw new ImportNotFoundError(symbol, id);
    }
    return found;
  }

  list(symbol: string): Promise<ArchiveImportRecord[]> {
    this.assertTracked(symbol);
    return this.imports.list(symbol, LISTED_IMPORTS);
  }

  /** Cancels an import that has not ended; one that has is answered as it is. */
  async cancel(symbol: string, id: number): Promise<ArchiveImportRecord> {
    await this.get(symbol, id);
    return (await this.imports.cancel(id)) as ArchiveImportRecord;
  }

  private assertTracked(symbol: string): void {
    if (!this.tracked.isActive(symbol)) {
      throw new SymbolNotTrackedError(symbol);
    }
  }
}

/** The range as days since the epoch, or an ImportRangeInvalidError saying what is wrong with it. */
export function checkedRange({ from, to }: ImportRange, today: number): { fromDay: number; toDay: number } {
  const fromDay = parseDay(from);
  const toDay = parseDay(to);
  if (fromDay === null || toDay === null) {
    throw new ImportRangeInvalidError(`${fromDay === null ? 'from' : 'to'} must be a real UTC day as YYYY-MM-DD`);
  }
  if (fromDay > toDay) {
    throw new ImportRangeInvalidError(`from ${from} is after to ${to}`);
  }
  if (toDay > today) {
    throw new ImportRangeInvalidError(`to ${to} is in the future (today is ${dayText(today)} UTC); the archive publishes a day the day after`);
  }
  if (fromDay < FIRST_ARCHIVE_DAY) {
    throw new ImportRangeInvalidError(`from ${from} is before 2017, where Binance's archive starts`);
  }
  if (toDay - fromDay + 1 > MAX_IMPORT_DAYS) {
    throw new ImportRangeInvalidError(`${toDay - fromDay + 1} days asked for; one import spans at most ${MAX_IMPORT_DAYS} days, import longer histories in parts`);
  }
  return { fromDay, toDay };
}
