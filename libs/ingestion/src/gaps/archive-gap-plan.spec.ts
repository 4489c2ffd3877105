import { parseDay } from '@binance-rates/binance';
import { ARCHIVE_GAP_MIN_TRADES, planArchiveGapFill } from './archive-gap-plan';

const DAY = 86_400_000;
const at = (day: string, hour = 0) => (parseDay(day) as number) * DAY + hour * 3_600_000;
const now = at('2024-03-10', 9);
const windowMs = DAY;
const long = { fromId: 1_000, toId: 1_000 + ARCHIVE_GAP_MIN_TRADES - 1 };

describe('planArchiveGapFill', () => {
  it('hands a long gap on published days to the archive, from the day of the trade below it to the day of the one above', () => {
    const neighbours = { belowTime: at('2024-03-01', 23), aboveTime: at('2024-03-08', 1) };
    expect(planArchiveGapFill({ gap: long, neighbours, windowMs, minTrades: ARCHIVE_GAP_MIN_TRADES, now })).toEqual({
      kind: 'archive',
      fromDay: parseDay('2024-03-01'),
      toDay: parseDay('2024-03-08'),
    });
  });

  it('makes a long gap ending yesterday wait for that day to be published', () => {
    const neighbours = { belowTime: at('2024-03-05'), aboveTime: at('2024-03-09', 1) };
    expect(planArchiveGapFill({ gap: long, neighbours, windowMs: 0, minTrades: ARCHIVE_GAP_MIN_TRADES, now })).toEqual({ kind: 'wait', until: at('2024-03-11') });
  });

  it.each([
    ['shorter than the threshold', { fromId: 1, toId: ARCHIVE_GAP_MIN_TRADES - 1 }, { belowTime: at('2024-03-01'), aboveTime: at('2024-03-02') }],
    ['of unknown end', { fromId: 1, toId: null }, { belowTime: at('2024-03-01'), aboveTime: at('2024-03-02') }],
    ['without a stored trade below', long, { belowTime: null, aboveTime: at('2024-03-02') }],
    ['without a stored trade above', long, { belowTime: at('2024-03-01'), aboveTime: null }],
    ['inside the backfill window', long, { belowTime: at('2024-03-01'), aboveTime: now - windowMs + 1 }],
  ])('leaves a gap %s to REST', (_what, gap, neighbours) => {
    expect(planArchiveGapFill({ gap, neighbours, windowMs, minTrades: ARCHIVE_GAP_MIN_TRADES, now })).toEqual({ kind: 'rest' });
  });
});
