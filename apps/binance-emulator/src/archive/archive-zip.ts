import { Readable } from 'node:stream';
import { type ArchiveFile, archiveZipName } from '@binance-rates/domain';
import { ZipFile } from 'yazl';
import type { SymbolListing } from '../market/symbol-listing';
import { archiveDayCsv } from './archive-day';

export interface ArchiveZipParams {
  file: ArchiveFile;
  listing: SymbolListing;
  tradesPerDay: number;
  /** zlib level of the one entry (1 fastest … 9 smallest). */
  compressionLevel: number;
}

/**
 * The zip of one archive file, generated as it is read: one entry `<SYMBOL>-aggTrades-<date>.csv` holding the
 * file's days from the symbol's listing on. yazl deflates the CSV chunk by chunk as the reader pulls, so a month is
 * never held in memory; the entry's sizes follow its data (a data descriptor, ZIP64 past 4 GiB), as a streamed zip
 * must. The bytes depend on the seed, symbol, date and density only: the entry's time is the local midnight of the
 * day after the file (so the DOS date and time read the same in any time zone) and no UTC extra field is written.
 */
export function archiveZipStream({ file, listing, tradesPerDay, compressionLevel }: ArchiveZipParams): Readable {
  const zip = new ZipFile();
  const published = new Date((file.lastDay + 1) * 86_400_000);
  const mtime = new Date(published.getUTCFullYear(), published.getUTCMonth(), published.getUTCDate());
  const csvName = archiveZipName(file).replace(/\.zip$/, '.csv');
  const firstDay = Math.max(file.firstDay, listing.listedDay);
  zip.addReadStreamLazy(csvName, { mtime, compressionLevel, forceDosTimestamp: true }, (callback) =>
    callback(null, Readable.from(daysCsv(listing, firstDay, file.lastDay, tradesPerDay), { objectMode: false })),
  );
  zip.end();
  return zip.outputStream as Readable;
}

function* daysCsv(listing: SymbolListing, firstDay: number, lastDay: number, tradesPerDay: number): Generator<Buffer> {
  for (let day = firstDay; day <= lastDay; day++) {
    yield* archiveDayCsv({ listing, day, tradesPerDay });
  }
}
