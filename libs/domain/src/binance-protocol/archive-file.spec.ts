import { archiveFileKey, archiveFileOfKey, archiveZipPath, dailyFilesOf, dayText, parseDay, planArchiveFiles } from './archive-file';

const day = (text: string) => parseDay(text) as number;
const keys = (params: { from: string; to: string; today: string }) =>
  planArchiveFiles({ symbol: 'BTCUSDT', fromDay: day(params.from), toDay: day(params.to), today: day(params.today) }).map(archiveFileKey);

describe('archive files', () => {
  it('reads real UTC days and refuses impossible ones', () => {
    expect(dayText(day('2024-02-29'))).toBe('2024-02-29');
    expect(parseDay('2023-02-29')).toBeNull();
    expect(parseDay('2024-13-01')).toBeNull();
    expect(parseDay('2024-1-01')).toBeNull();
    expect(parseDay('yesterday')).toBeNull();
  });

  it('plans a month file for a whole month that has ended, day files for the partial months around it', () => {
    expect(keys({ from: '2024-01-30', to: '2024-03-02', today: '2024-06-01' })).toEqual([
      'daily/2024-01-30',
      'daily/2024-01-31',
      'monthly/2024-02',
      'daily/2024-03-01',
      'daily/2024-03-02',
    ]);
  });

  it('plans twelve month files for a whole past year', () => {
    expect(keys({ from: '2024-01-01', to: '2024-12-31', today: '2025-03-01' })).toEqual(
      Array.from({ length: 12 }, (_, i) => `monthly/2024-${String(i + 1).padStart(2, '0')}`),
    );
  });

  it('plans day files for a month that has not ended yet', () => {
    expect(keys({ from: '2024-06-01', to: '2024-06-30', today: '2024-06-30' })).toHaveLength(30);
    expect(keys({ from: '2024-06-01', to: '2024-06-30', today: '2024-07-01' })).toEqual(['monthly/2024-06']);
  });

  it('splits a month file into its day files', () => {
    const [february] = planArchiveFiles({ symbol: 'BTCUSDT', fromDay: day('2024-02-01'), toDay: day('2024-02-29'), today: day('2025-01-01') });
    const days = dailyFilesOf(february!);
    expect(days).toHaveLength(29);
    expect(archiveFileKey(days[28]!)).toBe('daily/2024-02-29');
  });

  it('names files as the archive does and reads its keys back', () => {
    const [file] = planArchiveFiles({ symbol: 'ETHUSDT', fromDay: day('2025-01-05'), toDay: day('2025-01-05'), today: day('2025-02-01') });
    expect(archiveZipPath(file!)).toBe('/data/spot/daily/aggTrades/ETHUSDT/ETHUSDT-aggTrades-2025-01-05.zip');
    expect(archiveFileOfKey('ETHUSDT', 'daily/2025-01-05')).toEqual(file);
    expect(archiveZipPath(archiveFileOfKey('ETHUSDT', 'monthly/2024-02')!)).toBe('/data/spot/monthly/aggTrades/ETHUSDT/ETHUSDT-aggTrades-2024-02.zip');
    expect(archiveFileOfKey('ETHUSDT', 'weekly/2024-02')).toBeNull();
  });
});
