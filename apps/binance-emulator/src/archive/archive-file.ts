import { MS_PER_DAY, parseDay } from '../market/symbol-listing';

/** One file of the archive layout, `data/spot/{daily,monthly}/aggTrades/<SYMBOL>/<SYMBOL>-aggTrades-<date>.zip[.CHECKSUM]`. */
export interface ArchiveFile {
  period: 'daily' | 'monthly';
  symbol: string;
  /** `YYYY-MM-DD` (daily) or `YYYY-MM` (monthly), as in the name. */
  date: string;
  /** The UTC days the file covers, first and last inclusive (days since the epoch). */
  firstDay: number;
  lastDay: number;
  /** `<SYMBOL>-aggTrades-<date>.zip`. */
  zipName: string;
  /** The `.CHECKSUM` beside the zip was asked for. */
  checksum: boolean;
}

const FILE_PATH = /^data\/spot\/(daily|monthly)\/aggTrades\/([A-Z0-9]{1,20})\/\2-aggTrades-(\d{4}-\d{2}(?:-\d{2})?)\.zip(\.CHECKSUM)?$/;

/** The file a key (the path without its leading `/` and base path) names; null for any other key. */
export function parseArchiveKey(key: string): ArchiveFile | null {
  const match = FILE_PATH.exec(key);
  if (!match) {
    return null;
  }
  const [, period, symbol, date, checksum] = match;
  const span = period === 'daily' ? daySpan(date) : monthSpan(date);
  if (!span) {
    return null;
  }
  return {
    period: period as ArchiveFile['period'],
    symbol,
    date,
    ...span,
    zipName: `${symbol}-aggTrades-${date}.zip`,
    checksum: checksum !== undefined,
  };
}

/** Whether `date` names a daily (`YYYY-MM-DD`) or monthly (`YYYY-MM`) file: what fault injection accepts. */
export function isArchiveDate(date: string): boolean {
  return (date.length === 10 ? daySpan(date) : date.length === 7 ? monthSpan(date) : null) !== null;
}

function daySpan(date: string): { firstDay: number; lastDay: number } | null {
  const day = date.length === 10 ? parseDay(date) : null;
  return day === null ? null : { firstDay: day, lastDay: day };
}

function monthSpan(date: string): { firstDay: number; lastDay: number } | null {
  const firstDay = date.length === 7 ? parseDay(`${date}-01`) : null;
  if (firstDay === null) {
    return null;
  }
  const first = new Date(firstDay * MS_PER_DAY);
  const nextMonth = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1) / MS_PER_DAY;
  return { firstDay, lastDay: nextMonth - 1 };
}
