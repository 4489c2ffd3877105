import type { RawRestAggTrade } from './binance-wire.types';
import { RefusedInputError } from './refused-input.error';
import { parseAggTradesResponse } from './rest-response.parser';

const T0 = Date.UTC(2024, 0, 1);

function row(id: number): RawRestAggTrade {
  return { a: id, p: '1.5', q: '2', f: id * 10, l: id * 10 + 1, T: T0 + id, m: true, M: true };
}

function refusal(query: Parameters<typeof parseAggTradesResponse>[0], rows: RawRestAggTrade[]): unknown {
  try {
    parseAggTradesResponse(query, rows);
  } catch (error) {
    return error instanceof RefusedInputError ? error.kind : `not a RefusedInputError: ${String(error)}`;
  }
  return 'accepted';
}

describe('parseAggTradesResponse', () => {
  it('reads a page ascending from the id asked for', () => {
    expect(parseAggTradesResponse({ symbol: 'BTCUSDT', fromId: 5 }, [row(5), row(6), row(7)]).map((trade) => trade.tradeId)).toEqual([5, 6, 7]);
  });

  it('refuses a page that is not ascending by id', () => {
    expect(refusal({ symbol: 'BTCUSDT', fromId: 5 }, [row(5), row(7), row(6)])).toBe('page_not_ascending');
    expect(refusal({ symbol: 'BTCUSDT', fromId: 5 }, [row(5), row(5)])).toBe('page_not_ascending');
  });

  it('refuses a page holding ids below the one asked for', () => {
    expect(refusal({ symbol: 'BTCUSDT', fromId: 5 }, [row(4), row(5)])).toBe('page_outside_range');
  });

  it('refuses a page holding times outside the window asked for', () => {
    expect(refusal({ symbol: 'BTCUSDT', startTime: T0 + 5 }, [row(4), row(5)])).toBe('page_outside_range');
    expect(refusal({ symbol: 'BTCUSDT', startTime: T0, endTime: T0 + 5 }, [row(5), row(6)])).toBe('page_outside_range');
  });

  it('refuses a page longer than the limit asked for', () => {
    expect(refusal({ symbol: 'BTCUSDT', fromId: 5, limit: 2 }, [row(5), row(6), row(7)])).toBe('page_outside_range');
  });

  it('refuses a row with a time out of range as such', () => {
    expect(refusal({ symbol: 'BTCUSDT', fromId: 5 }, [{ ...row(5), T: Date.UTC(10000, 0, 1) }])).toBe('time_out_of_range');
  });
});
