import { fromBuffer, ZipFile } from 'yauzl';
import { BinanceEmulator, startEmulator } from '../src';
import { downloadText, downloadZip } from './archive-download';

const TRADES_PER_DAY = 3_000;
const LISTED_DAY = Date.UTC(2017, 7, 17) / 86_400_000;
const DAILY = 'data/spot/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades';
const MONTHLY = 'data/spot/monthly/aggTrades/BTCUSDT/BTCUSDT-aggTrades';

function dayOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}

function yesterday(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

/**
 * Entries of a whole zip read through its central directory by an independent reader, contents checked by CRC: one
 * entry at a time, each counted once its data has been inflated to the end, and the list complete at the directory's end.
 */
async function entriesOf(bytes: Buffer): Promise<Array<{ name: string; size: number }>> {
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    fromBuffer(bytes, { lazyEntries: true }, (error, file) => (error ? reject(error) : resolve(file))),
  );
  const entries: Array<{ name: string; size: number }> = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: { fileName: string }) => {
      zip.openReadStream(entry as never, (error, stream) => {
        if (error) {
          reject(error);
          return;
        }
        let size = 0;
        stream.on('data', (chunk: Buffer) => (size += chunk.length));
        stream.on('error', reject);
        stream.on('end', () => {
          entries.push({ name: entry.fileName, size });
          zip.readEntry();
        });
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return entries;
}

describe('public data archive (binance/binance-public-data layout)', () => {
  let emulator: BinanceEmulator;
  const url = (key: string) => `${emulator.dataBaseUrl}/${key}`;

  beforeAll(async () => {
    emulator = await startEmulator({ tradesPerSecondPerSymbol: 0, seed: 5, archiveTradesPerDay: TRADES_PER_DAY });
  });

  afterAll(() => emulator.close());

  it('serves a daily zip with its CHECKSUM: streamed, verifiable, Binance columns, ids from the date', async () => {
    const zip = await downloadZip(url(`${DAILY}-2024-02-28.zip`));
    expect(zip.status).toBe(200);
    expect(zip.contentType).toBe('application/zip');
    expect(zip.entryName).toBe('BTCUSDT-aggTrades-2024-02-28.csv');
    const checksum = await downloadText(url(`${DAILY}-2024-02-28.zip.CHECKSUM`));
    expect(checksum.status).toBe(200);
    expect(checksum.text).toBe(`${zip.sha256}  BTCUSDT-aggTrades-2024-02-28.zip\n`);
    expect(await entriesOf(zip.bytes)).toEqual([{ name: 'BTCUSDT-aggTrades-2024-02-28.csv', size: expect.any(Number) }]);

    const { rows } = zip;
    const firstId = (dayOf('2024-02-28') - LISTED_DAY) * TRADES_PER_DAY;
    const dayStart = Date.UTC(2024, 1, 28);
    // No header; 8 columns; ids and raw ids consecutive; times in ms inside the day, never going back.
    expect(rows).toHaveLength(TRADES_PER_DAY);
    const broken = rows.filter((row, i) => {
      const previous = rows[i - 1];
      return (
        row.length !== 8 ||
        Number(row[0]) !== firstId + i ||
        !/^\d+\.\d{8}$/.test(row[1]) ||
        !/^\d+\.\d{8}$/.test(row[2]) ||
        Number(row[1].replace('.', '')) % 1_000_000 !== 0 ||
        Number(row[2].replace('.', '')) % 1_000 !== 0 ||
        (previous !== undefined && Number(row[3]) !== Number(previous[4]) + 1) ||
        Number(row[4]) < Number(row[3]) ||
        !/^\d{13}$/.test(row[5]) ||
        Number(row[5]) < dayStart ||
        Number(row[5]) >= dayStart + 86_400_000 ||
        (previous !== undefined && Number(row[5]) < Number(previous[5])) ||
        !['True', 'False'].includes(row[6]) ||
        row[7] !== 'True'
      );
    });
    expect(broken).toEqual([]);
    const sameTime = rows.filter((row, i) => i > 0 && row[5] === rows[i - 1][5]).length;
    expect(sameTime / rows.length).toBeGreaterThan(0.25);
  });

  it('continues day N into day N + 1: aggregate and raw trade ids without a hole, the price without a jump', async () => {
    const before = await downloadZip(url(`${DAILY}-2024-02-29.zip`));
    const after = await downloadZip(url(`${DAILY}-2024-03-01.zip`));
    const last = before.rows[before.rows.length - 1];
    const first = after.rows[0];
    expect(Number(first[0])).toBe(Number(last[0]) + 1);
    expect(Number(first[3])).toBe(Number(last[4]) + 1);
    expect(Math.abs(Number(first[1]) / Number(last[1]) - 1)).toBeLessThan(0.001);
  });

  it('writes microsecond timestamps from 2025-01-01 on', async () => {
    const { rows } = await downloadZip(url(`${DAILY}-2025-01-01.zip`));
    const dayStart = Date.UTC(2025, 0, 1) * 1_000;
    expect(rows.every((row) => /^\d{16}$/.test(row[5]) && Number(row[5]) >= dayStart && Number(row[5]) < dayStart + 86_400_000_000)).toBe(true);
  });

  it('serves a monthly zip that holds exactly the daily files of the month, and the same bytes every time', async () => {
    const month = await downloadZip(url(`${MONTHLY}-2024-02.zip`));
    expect(month.status).toBe(200);
    expect(month.entryName).toBe('BTCUSDT-aggTrades-2024-02.csv');
    expect(month.rows).toHaveLength(29 * TRADES_PER_DAY);
    const checksum = await downloadText(url(`${MONTHLY}-2024-02.zip.CHECKSUM`));
    expect(checksum.text).toBe(`${month.sha256}  BTCUSDT-aggTrades-2024-02.zip\n`);
    const day = await downloadZip(url(`${DAILY}-2024-02-28.zip`));
    expect(month.rows.slice(27 * TRADES_PER_DAY, 28 * TRADES_PER_DAY)).toEqual(day.rows);
    expect((await downloadZip(url(`${MONTHLY}-2024-02.zip`))).sha256).toBe(month.sha256);
  });

  it('generates a zip once for its CHECKSUM and the download that follows, and again for a later download', async () => {
    const generated = () => emulator.stats().archiveZipsGenerated;
    const before = generated();
    const checksum = await downloadText(url(`${DAILY}-2023-03-09.zip.CHECKSUM`));
    expect(generated()).toBe(before + 1);
    const first = await downloadZip(url(`${DAILY}-2023-03-09.zip`));
    expect(generated()).toBe(before + 1);
    expect(checksum.text).toBe(`${first.sha256}  BTCUSDT-aggTrades-2023-03-09.zip\n`);
    expect(first.rows).toHaveLength(TRADES_PER_DAY);
    const again = await downloadZip(url(`${DAILY}-2023-03-09.zip`));
    expect(generated()).toBe(before + 2);
    expect(again.sha256).toBe(first.sha256);
  });

  it('is the same archive from another emulator with the same seed, another one with another seed', async () => {
    const same = await startEmulator({ tradesPerSecondPerSymbol: 0, seed: 5, archiveTradesPerDay: TRADES_PER_DAY });
    const other = await startEmulator({ tradesPerSecondPerSymbol: 0, seed: 6, archiveTradesPerDay: TRADES_PER_DAY });
    try {
      const key = `${DAILY}-2023-06-15.zip`;
      const mine = await downloadZip(url(key));
      expect((await downloadZip(`${same.dataBaseUrl}/${key}`)).sha256).toBe(mine.sha256);
      expect((await downloadZip(`${other.dataBaseUrl}/${key}`)).sha256).not.toBe(mine.sha256);
    } finally {
      await Promise.all([same.close(), other.close()]);
    }
  });

  it('ends where the live market begins: yesterday is the last day, the live ids follow it', async () => {
    const last = await downloadZip(url(`${DAILY}-${yesterday()}.zip`));
    const [live] = emulator.emitTrades('BTCUSDT', 1);
    const lastRow = last.rows[last.rows.length - 1];
    expect(live.aggTradeId).toBe(Number(lastRow[0]) + 1);
    expect(live.firstTradeId).toBe(Number(lastRow[4]) + 1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await downloadText(url(`${DAILY}-${today}.zip`))).status).toBe(404);
  });

  it.each([
    ['a day before the listing', `${DAILY}-2017-08-16.zip`],
    ['a month not over yet', `${MONTHLY}-${new Date().toISOString().slice(0, 7)}.zip`],
    ['an unknown symbol', 'data/spot/daily/aggTrades/NOPEUSDT/NOPEUSDT-aggTrades-2024-01-01.zip'],
    ['a date that does not exist', `${DAILY}-2023-02-29.zip`],
    ['another data type', 'data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2024-01-01.zip'],
  ])('answers %s like S3: 404 NoSuchKey', async (_what, key) => {
    const answer = await downloadText(url(key));
    expect(answer.status).toBe(404);
    expect(answer.contentType).toBe('application/xml');
    expect(answer.text).toContain('<Code>NoSuchKey</Code>');
    expect(answer.text).toContain(`<Key>${key}</Key>`);
  });

  describe('faults', () => {
    const admin = (path: string, body: unknown) =>
      fetch(`${emulator.restBaseUrl}/emulator/archive/${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });

    afterEach(() => emulator.resetArchiveFaults());

    it('makes a daily or monthly file missing (zip and CHECKSUM 404) until reset', async () => {
      expect((await admin('missing', { symbol: 'BTCUSDT', date: '2024-01-10' })).status).toBe(200);
      expect((await admin('missing', { symbol: 'BTCUSDT', date: '2024-01' })).status).toBe(200);
      expect((await downloadText(url(`${DAILY}-2024-01-10.zip`))).status).toBe(404);
      expect((await downloadText(url(`${DAILY}-2024-01-10.zip.CHECKSUM`))).status).toBe(404);
      expect((await downloadText(url(`${MONTHLY}-2024-01.zip`))).status).toBe(404);
      expect((await downloadZip(url(`${DAILY}-2024-01-11.zip`))).status).toBe(200);
      expect((await admin('reset', {})).status).toBe(200);
      expect((await downloadZip(url(`${DAILY}-2024-01-10.zip`))).status).toBe(200);
    });

    it('corrupts a checksum on request', async () => {
      expect((await admin('corrupt-checksum', { symbol: 'BTCUSDT', date: '2024-01-12' })).status).toBe(200);
      const zip = await downloadZip(url(`${DAILY}-2024-01-12.zip`));
      const checksum = await downloadText(url(`${DAILY}-2024-01-12.zip.CHECKSUM`));
      expect(checksum.text).toMatch(/^[0-9a-f]{64} {2}BTCUSDT-aggTrades-2024-01-12\.zip\n$/);
      expect(checksum.text.slice(0, 64)).not.toBe(zip.sha256);
    });

    it('slows downloads down to the bytes per second asked', async () => {
      const size = (await downloadZip(url(`${DAILY}-2024-01-13.zip`))).bytes.length;
      expect((await admin('throttle', { bytesPerSecond: Math.ceil(size / 1.5) })).status).toBe(200);
      const startedAt = Date.now();
      expect((await downloadZip(url(`${DAILY}-2024-01-13.zip`))).bytes.length).toBe(size);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_400);
    });

    it.each([
      ['missing', { symbol: 'BTCUSDT', date: '2024-1-1' }, 400],
      ['missing', { symbol: 'BTCUSDT', date: '2024-02-30' }, 400],
      ['corrupt-checksum', { symbol: 'NOPEUSDT', date: '2024-01-01' }, 404],
      ['throttle', { bytesPerSecond: -1 }, 400],
    ])('refuses %s %j with %d and a JSON error', async (path, body, status) => {
      const response = await admin(path, body);
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ error: expect.any(String) });
    });
  });

  it('answers under a base path when asked, so BINANCE_DATA_URL can point below the root', async () => {
    const based = await startEmulator({ tradesPerSecondPerSymbol: 0, archiveTradesPerDay: 100, archiveBasePath: '/binance-data' });
    try {
      expect(based.dataBaseUrl).toBe(`${based.restBaseUrl}/binance-data`);
      expect((await downloadZip(`${based.dataBaseUrl}/${DAILY}-2024-01-01.zip`)).rows).toHaveLength(100);
      expect((await downloadText(`${based.restBaseUrl}/${DAILY}-2024-01-01.zip`)).status).toBe(404);
    } finally {
      await based.close();
    }
  });
});
