import { type ArchiveFile, archiveFileOfKey } from '@binance-rates/domain';

/** A request for one file of the archive layout: the zip, or the `.CHECKSUM` beside it. */
export interface ArchiveRequest {
  file: ArchiveFile;
  checksum: boolean;
}

const FILE_PATH = /^data\/spot\/(daily|monthly)\/aggTrades\/([A-Z0-9]{1,20})\/\2-aggTrades-(\d{4}-\d{2}(?:-\d{2})?)\.zip(\.CHECKSUM)?$/;

/** The file a key (the path without its leading `/` and base path) names; null for any other key. */
export function parseArchiveKey(key: string): ArchiveRequest | null {
  const match = FILE_PATH.exec(key);
  if (!match) {
    return null;
  }
  const [, period, symbol, date, checksum] = match;
  const file = archiveFileOfKey(symbol, `${period}/${date}`);
  return file === null ? null : { file, checksum: checksum !== undefined };
}

/** Whether `date` names a daily (`YYYY-MM-DD`) or monthly (`YYYY-MM`) file: what fault injection accepts. */
export function isArchiveDate(date: string): boolean {
  return archiveFileOfKey('', `${date.length === 10 ? 'daily' : 'monthly'}/${date}`) !== null;
}
