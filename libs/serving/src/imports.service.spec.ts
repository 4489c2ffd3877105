import { parseDay } from '@binance-rates/binance';
import { checkedRange, MAX_IMPORT_DAYS } from './imports.service';
import { ImportRangeInvalidError } from './serving.errors';

const today = parseDay('2025-03-10') as number;

describe('checkedRange', () => {
  it('takes UTC days in order up to today as days since the epoch', () => {
    expect(checkedRange({ from: '2024-01-01', to: '2024-12-31' }, today)).toEqual({ fromDay: parseDay('2024-01-01'), toDay: parseDay('2024-12-31') });
    expect(checkedRange({ from: '2025-03-10', to: '2025-03-10' }, today).toDay).toBe(today);
  });

  it.each([
    ['a day that does not exist', { from: '2024-02-30', to: '2024-03-01' }, /from must be a real UTC day/],
    ['a day in another format', { from: '2024-01-01', to: '01/02/2024' }, /to must be a real UTC day/],
    ['from after to', { from: '2024-03-02', to: '2024-03-01' }, /from 2024-03-02 is after to 2024-03-01/],
    ['a day in the future', { from: '2025-03-01', to: '2025-03-11' }, /to 2025-03-11 is in the future \(today is 2025-03-10 UTC\)/],
    ['a day before the archive', { from: '2016-12-31', to: '2017-01-31' }, /before 2017/],
    ['too many days', { from: '2020-01-01', to: '2024-12-31' }, new RegExp(`at most ${MAX_IMPORT_DAYS} days`)],
  ])('refuses %s, saying what is wrong', (_label, range, message) => {
    expect(() => checkedRange(range, today)).toThrow(ImportRangeInvalidError);
    expect(() => checkedRange(range, today)).toThrow(message);
  });
});
