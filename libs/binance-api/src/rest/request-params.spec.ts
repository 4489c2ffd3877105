import { BinanceApiError } from '@binance-rates/domain';
import { RequestParams } from './request-params';

const params = (query: string) => new RequestParams(new URLSearchParams(query));

function errorOf(read: () => unknown): { code: number; msg: string } | null {
  try {
    read();
    return null;
  } catch (error) {
    return error instanceof BinanceApiError ? { code: error.code, msg: error.msg } : { code: 0, msg: String(error) };
  }
}

describe('kline parameters read as Binance reads them', () => {
  it('interval: mandatory (-1102), one of the 16 names, case-sensitive (-1120)', () => {
    expect(params('interval=1M').interval()).toBe('1M');
    expect(params('interval=1s').interval()).toBe('1s');
    expect(errorOf(() => params('').interval())).toEqual({ code: -1102, msg: "Mandatory parameter 'interval' was not sent, was empty/null, or malformed." });
    expect(errorOf(() => params('interval=').interval())).toMatchObject({ code: -1102 });
    expect(errorOf(() => params('interval=1H').interval())).toEqual({ code: -1120, msg: 'Invalid interval.' });
    expect(errorOf(() => params('interval=2m').interval())).toMatchObject({ code: -1120 });
  });

  it.each([
    ['', 0],
    ['timeZone=0', 0],
    ['timeZone=8', 8 * 3_600_000],
    ['timeZone=-1:00', -3_600_000],
    ['timeZone=05:45', (5 * 60 + 45) * 60_000],
    ['timeZone=%2B14:00', 14 * 3_600_000],
    ['timeZone=-12:00', -12 * 3_600_000],
  ])('timeZone %s is an offset of %d ms', (query, offset) => {
    expect(params(query).timeZoneOffsetMs()).toBe(offset);
  });

  it.each(['timeZone=15', 'timeZone=14:01', 'timeZone=-12:30', 'timeZone=5:60', 'timeZone=UTC', 'timeZone=Asia/Shanghai', 'timeZone=8h', 'timeZone=+8'])(
    '%s is refused with -1130',
    (query) => {
      expect(errorOf(() => params(query).timeZoneOffsetMs())).toEqual({ code: -1130, msg: "Data sent for parameter 'timeZone' is not valid." });
    },
  );
});
