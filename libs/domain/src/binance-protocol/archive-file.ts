const MS_PER_DAY = 86_400_000;
const DAY_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * One file of Binance's public data archive (binance/binance-public-data), spot aggregate trades:
 * `data/spot/{daily,monthly}/aggTrades/<SYMBOL>/<SYMBOL>-aggTrades-<date>.zip`, a `.CHECKSUM` (sha256sum's format)
 * beside each. A day's file appears the day after; a month's early in the month after.
 */
export interface ArchiveFile {
  period: 'daily' | 'monthly';
  symbol: string;
  /** `YYYY-MM-DD` (daily) or `YYYY-MM` (monthly), as in the name. */
  date: string;
  /** The UTC days it covers, inclusive, as days since the epoch. */
  firstDay: number;
  lastDay: number;
}

/** Days since the epoch of a `YYYY-MM-DD` UTC day, or null when it is not a real date. */
export function parseDay(text: string): number | null {
  const match = DAY_TEXT.exec(text);
  if (match === null) {
    return null;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return time / MS_PER_DAY;
}

/** `YYYY-MM-DD` of a day since the epoch. */
export function dayText(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The UTC day (since the epoch) holding epoch-ms `time`. */
export function dayOf(time: number): number {
  return Math.floor(time / MS_PER_DAY);
}

/** `<SYMBOL>-aggTrades-<date>.zip`: the name Binance gives the file, and how errors and progress name it. */
export function archiveZipName(file: ArchiveFile): string {
  return `${file.symbol}-aggTrades-${file.date}.zip`;
}

/** The path of the zip under the archive's base URL. */
export function archiveZipPath(file: ArchiveFile): string {
  return `/data/spot/${file.period}/aggTrades/${file.symbol}/${archiveZipName(file)}`;
}

/** A stable short key of the file within one symbol's import, `daily/2024-03-05` or `monthly/2024-03`. */
export function archiveFileKey(file: Pick<ArchiveFile, 'period' | 'date'>): string {
  return `${file.period}/${file.date}`;
}

/** The file a key names, or null for anything else. */
export function archiveFileOfKey(symbol: string, key: string): ArchiveFile | null {
  const [period, date] = key.split('/');
  if (period === 'daily') {
    const day = parseDay(date ?? '');
    return day === null ? null : dailyFile(symbol, day);
  }
  if (period === 'monthly') {
    const first = parseDay(`${date ?? ''}-01`);
    return first === null ? null : monthlyFile(symbol, first);
  }
  return null;
}

export function dailyFile(symbol: string, day: number): ArchiveFile {
  return { period: 'daily', symbol, date: dayText(day), firstDay: day, lastDay: day };
}

/** The monthly file of the month that starts on `firstDay`. */
export function monthlyFile(symbol: string, firstDay: number): ArchiveFile {
  return { period: 'monthly', symbol, date: dayText(firstDay).slice(0, 7), firstDay, lastDay: nextMonthStart(firstDay) - 1 };
}

/** The daily files of the days a file covers: what a month not published (yet) is read from instead. */
export function dailyFilesOf(file: ArchiveFile): ArchiveFile[] {
  const files: ArchiveFile[] = [];
  for (let day = file.firstDay; day <= file.lastDay; day += 1) {
    files.push(dailyFile(file.symbol, day));
  }
  return files;
}

export interface ArchivePlanParams {
  symbol: string;
  /** First and last UTC day wanted, inclusive, days since the epoch. */
  fromDay: number;
  toDay: number;
  /** Today's UTC day: a month still running has no monthly file. */
  today: number;
}

/**
 * The files that hold the days wanted, in date order: a month's file where the whole month is wanted and has ended
 * (one download instead of ~30), a day's file for every other day. A month that has ended but whose file is not
 * published yet answers 404: the importer then reads its days instead (`dailyFilesOf`).
 */
export function planArchiveFiles({ symbol, fromDay, toDay, today }: ArchivePlanParams): ArchiveFile[] {
  const files: ArchiveFile[] = [];
  let day = fromDay;
  while (day <= toDay) {
    const monthStart = monthStartOf(day);
    const monthEnd = nextMonthStart(day) - 1;
    if (day === monthStart && monthEnd <= toDay && monthEnd < today) {
      files.push(monthlyFile(symbol, monthStart));
      day = monthEnd + 1;
    } else {
      files.push(dailyFile(symbol, day));
      day += 1;
    }
  }
  return files;
}

function monthStartOf(day: number): number {
  const date = new Date(day * MS_PER_DAY);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / MS_PER_DAY;
}

function nextMonthStart(day: number): number {
  const date = new Date(day * MS_PER_DAY);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / MS_PER_DAY;
}
