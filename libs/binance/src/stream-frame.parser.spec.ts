import { TRADE_TIME_RANGE, aggTradeProblem, type AggTrade } from '@binance-rates/domain';
import type { RawAggTrade } from './binance-wire.types';
import { scanCombinedAggTrade } from './agg-trade-frame.scanner';
import { aggTradeFromStream } from './agg-trade.parser';
import { parseStreamFrame } from './stream-frame.parser';
import { RefusedInputError } from './refused-input.error';

describe('parseStreamFrame', () => {
  it('turns a combined aggTrade frame into a domain trade with exact decimal strings', () => {
    const frame = parseStreamFrame(
      '{"stream":"bnbbtc@aggTrade","data":{"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.00100000","q":"100.00000000","f":100,"l":105,"T":1672515782130,"m":true,"M":true}}',
    );
    expect(frame).toEqual({
      kind: 'aggTrade',
      trade: {
        symbol: 'BNBBTC',
        tradeId: 12345,
        price: '0.00100000',
        quantity: '100.00000000',
        firstTradeId: 100,
        lastTradeId: 105,
        tradeTime: 1672515782130,
        isBuyerMaker: true,
      },
    });
  });

  it('recognises acknowledgements', () => {
    expect(parseStreamFrame('{"result":null,"id":7}')).toEqual({ kind: 'result', id: 7, result: null });
  });

  it('recognises the nested error form', () => {
    expect(parseStreamFrame('{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":2}')).toEqual({
      kind: 'error',
      id: 2,
      code: 2,
      message: 'Invalid request: invalid stream',
    });
  });

  it('recognises serverShutdown in both forms', () => {
    expect(parseStreamFrame('{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}')).toEqual({
      kind: 'serverShutdown',
      eventTime: 1770123456789,
    });
    expect(parseStreamFrame('{"e":"serverShutdown","E":5}')).toEqual({ kind: 'serverShutdown', eventTime: 5 });
  });

  it('passes other streams through as other', () => {
    expect(parseStreamFrame('{"stream":"btcusdt@trade","data":{"e":"trade"}}')).toEqual({ kind: 'other', stream: 'btcusdt@trade' });
  });

  it('throws on text that is not JSON', () => {
    expect(() => parseStreamFrame('not json')).toThrow();
  });
});

/** The fast path on the frame's UTF-8 bytes, as the socket delivers them. */
function scan(text: string): AggTrade | null {
  return scanCombinedAggTrade(Buffer.from(text));
}

/** What JSON.parse plus the well-formedness rules make of a frame, or 'throws'. */
function viaJson(text: string): unknown {
  let frame: Record<string, unknown>;
  try {
    frame = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'throws';
  }
  const data = frame?.['data'] as RawAggTrade | undefined;
  if (data?.e !== 'aggTrade') {
    return 'not an aggTrade';
  }
  const trade = aggTradeFromStream(data);
  // A frame must carry the symbol its stream is for (the part of the stream name before its first '@').
  const stream = typeof frame['stream'] === 'string' ? frame['stream'] : '';
  const ofItsStream = stream.slice(0, stream.indexOf('@')) === String(trade.symbol).toLowerCase();
  return aggTradeProblem(trade) === null && ofItsStream ? { kind: 'aggTrade', trade } : 'throws';
}

function parsedOrThrows(text: string): unknown {
  try {
    return parseStreamFrame(Buffer.from(text));
  } catch {
    return 'throws';
  }
}

/** mulberry32: a seeded generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomFrame(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const int = (max: number) => Math.floor(next() * max);
  const symbol = pick(['BTCUSDT', 'ETHBTC', 'BNBUSDT', '1000SATSUSDT', 'A', '币安人生USDT', 'X'.repeat(1 + int(20))]);
  const decimal = () => `${int(100_000)}.${String(int(100_000_000)).padStart(8, '0')}`;
  // One id in 20 has 16 digits, which the fast path leaves to JSON.parse.
  const id = () =>
    next() < 0.05 ? pick([2 ** 53 - 1, 1e15 + int(2 ** 53 - 1e15)]) : pick([0, 1, int(10), int(1e6), int(1e12), 999_999_999_999_999]);
  // One time in 20 is any id, mostly outside TRADE_TIME_RANGE, which both paths refuse.
  const time = () => (next() < 0.05 ? id() : TRADE_TIME_RANGE.min + int(TRADE_TIME_RANGE.max - TRADE_TIME_RANGE.min));
  return (
    `{"stream":"${symbol.toLowerCase()}@aggTrade","data":{"e":"aggTrade","E":${id()},"s":"${symbol}","a":${id()},` +
    `"p":"${decimal()}","q":"${decimal()}","f":${id()},"l":${id()},"T":${time()},"m":${pick([true, false])},` +
    `"M":${pick([true, false])}}}`
  );
}

const SAMPLE =
  '{"stream":"bnbbtc@aggTrade","data":{"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.00100000","q":"100.00000000","f":100,"l":105,"T":1672515782130,"m":true,"M":true}}';

describe('scanCombinedAggTrade (the fast path of parseStreamFrame)', () => {
  it('reads the exact Binance layout without JSON.parse', () => {
    expect({ kind: 'aggTrade', trade: scan(SAMPLE) }).toStrictEqual(viaJson(SAMPLE));
  });

  it.each([
    ['an escaped symbol', SAMPLE.replace('"BNBBTC"', '"BNB\\u0042TC"'), 'BNBBTC'],
    ['whitespace between tokens', SAMPLE.replace('"a":12345', '"a": 12345'), 'BNBBTC'],
    ['another key order', SAMPLE.replace('"m":true,"M":true', '"M":true,"m":true'), 'BNBBTC'],
    ['trailing whitespace', `${SAMPLE}\n`, 'BNBBTC'],
    ['a 16-digit id', SAMPLE.replace('"a":12345', '"a":9007199254740991'), 'BNBBTC'],
    ['an exponent', SAMPLE.replace('"T":1672515782130', '"T":1.67251578213e12'), 'BNBBTC'],
    ['data before stream', `{"data":${SAMPLE.slice(SAMPLE.indexOf('{"e"'), -1)},"stream":"bnbbtc@aggTrade"}`, 'BNBBTC'],
    ['another stream name', SAMPLE.replace('bnbbtc@aggTrade', 'bnbbtc@aggTrade@100ms'), 'BNBBTC'],
  ])('falls back to JSON.parse for %s, with the same result', (_label, text, symbol) => {
    expect(scan(text)).toBeNull();
    expect(parseStreamFrame(Buffer.from(text))).toStrictEqual(viaJson(text));
    expect(parseStreamFrame(Buffer.from(text))).toMatchObject({ kind: 'aggTrade', trade: { symbol } });
  });

  it.each([
    ['a leading zero', SAMPLE.replace('"a":12345', '"a":012345')],
    ['a raw control character', SAMPLE.replace('"BNBBTC"', '"BNB\u0001BTC"')],
    ['trailing text', `${SAMPLE}x`],
    ['a truncated frame', SAMPLE.slice(0, -1)],
    ['a bare boolean typo', SAMPLE.replace('"m":true', '"m":tru')],
  ])('rejects %s exactly as JSON.parse does', (_label, text) => {
    expect(scan(text)).toBeNull();
    expect(() => parseStreamFrame(Buffer.from(text))).toThrow();
  });

  it.each([
    ['a non-ASCII symbol', SAMPLE.replace('"BNBBTC"', '"币安人生USDT"'), /symbol "币安人生USDT"/],
    ['a lower-case symbol', SAMPLE.replace('"BNBBTC"', '"bnbbtc"'), /symbol "bnbbtc"/],
    ['a one-letter symbol', SAMPLE.replace('"BNBBTC"', '"B"'), /symbol "B"/],
    ['a price that is not a decimal', SAMPLE.replace('"0.00100000"', '"0.001.0"'), /price "0.001.0" is not a decimal/],
    ['an empty quantity', SAMPLE.replace('"100.00000000"', '""'), /quantity "" is not a decimal/],
    ['a quantity ending in a point', SAMPLE.replace('"100.00000000"', '"100."'), /quantity "100." is not a decimal/],
    ['a negative price', SAMPLE.replace('"0.00100000"', '"-1"'), /price "-1" is not a decimal/],
    ['a price of 41 digits', SAMPLE.replace('"0.00100000"', `"${'9'.repeat(41)}"`), /price "9{41}" is not a decimal/],
    ['a quantity with 41 decimals', SAMPLE.replace('"100.00000000"', `"1.${'0'.repeat(41)}"`), /quantity "1\.0{41}" is not a decimal/],
    ['a price given as a number', SAMPLE.replace('"0.00100000"', '0.001'), /price 0.001 is not a decimal/],
    ['a fractional trade time', SAMPLE.replace('"T":1672515782130', '"T":1672515782130.5'), /tradeTime 1672515782130.5/],
    ['a negative id', SAMPLE.replace('"a":12345', '"a":-5'), /tradeId -5/],
    ['a buyer-maker flag given as text', SAMPLE.replace('"m":true', '"m":"true"'), /isBuyerMaker "true"/],
  ])('refuses a trade with %s, saying why', (_label, text, reason) => {
    expect(scan(text)).toBeNull();
    expect(() => parseStreamFrame(Buffer.from(text))).toThrow(reason);
  });

  it('reads decimals of up to 40 digits on each side of the point (the domain rule) on the fast path', () => {
    const text = SAMPLE.replace('"0.00100000"', `"${'9'.repeat(40)}.${'1'.repeat(40)}"`);
    expect(scan(text)).toMatchObject({ price: `${'9'.repeat(40)}.${'1'.repeat(40)}` });
    expect({ kind: 'aggTrade', trade: scan(text) }).toStrictEqual(viaJson(text));
  });

  it('reads a frame given as a string through JSON.parse alone, with the same result', () => {
    expect(parseStreamFrame(SAMPLE)).toStrictEqual(parseStreamFrame(Buffer.from(SAMPLE)));
  });

  it('leaves results, errors and shutdown notices to JSON.parse', () => {
    for (const text of [
      '{"result":null,"id":7}',
      '{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":2}',
      '{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}',
      '{"stream":"btcusdt@trade","data":{"e":"trade"}}',
    ]) {
      expect(scan(text)).toBeNull();
    }
  });

  it('agrees with JSON.parse on 5,000 random valid frames', () => {
    const next = random(1);
    let fast = 0;
    for (let i = 0; i < 5_000; i++) {
      const text = randomFrame(next);
      const scanned = scan(text);
      if (scanned !== null) {
        fast += 1;
        expect({ kind: 'aggTrade', trade: scanned }).toStrictEqual(viaJson(text));
      }
      expect(parsedOrThrows(text)).toStrictEqual(viaJson(text));
    }
    // Frames with a 16-digit id (about 1 - 0.95^5 of them) or a malformed symbol ('A' or the non-ASCII one, 2 in 7)
    // leave the fast path.
    expect(fast).toBeGreaterThan(2_500);
  });

  it('never disagrees with JSON.parse on 30,000 mutated or truncated frames', () => {
    const next = random(2);
    const noise = ['"', '\\', ' ', '\n', '\t', '0', '1', '9', '-', '+', '.', 'e', 'E', ',', ':', '{', '}', '[', 'é', '\u0000', '\u001f', 't', 'f', 'n'];
    let accepted = 0;
    for (let i = 0; i < 30_000; i++) {
      let text = randomFrame(next);
      for (let n = 1 + Math.floor(next() * 3); n > 0; n--) {
        const at = Math.floor(next() * (text.length + 1));
        const char = noise[Math.floor(next() * noise.length)]!;
        const kind = Math.floor(next() * 4);
        text =
          kind === 0
            ? text.slice(0, at) + char + text.slice(at)
            : kind === 1
              ? text.slice(0, at) + text.slice(at + 1)
              : kind === 2
                ? text.slice(0, at) + char + text.slice(at + 1)
                : text.slice(0, at);
      }
      const scanned = scan(text);
      if (scanned !== null) {
        accepted += 1;
        expect({ kind: 'aggTrade', trade: scanned }).toStrictEqual(viaJson(text));
      }
      const expected = viaJson(text);
      const actual = parsedOrThrows(text);
      // Frames that JSON.parse reads as something other than an aggTrade never touch the fast path.
      if (expected === 'throws') {
        expect(actual).toBe('throws');
      } else if (expected !== 'not an aggTrade') {
        expect(actual).toStrictEqual(expected);
      }
    }
    // Some mutations keep the frame valid (a digit for a digit), so the fast path is exercised here as well. Fewer than
    // before the stream name had to match the symbol and the time its range: a mutation there now refuses the frame.
    expect(accepted).toBeGreaterThan(500);
  });
});

describe('parseStreamFrame refusing hostile input', () => {
  function refusal(text: string): unknown {
    try {
      parseStreamFrame(Buffer.from(text));
    } catch (error) {
      return error instanceof RefusedInputError ? error.kind : `not a RefusedInputError: ${String(error)}`;
    }
    return 'accepted';
  }

  it('refuses a frame whose symbol is not the one of its stream, on both paths', () => {
    const mismatched = SAMPLE.replace('"s":"BNBBTC"', '"s":"ETHBTC"');
    expect(scan(mismatched)).toBeNull();
    expect(refusal(mismatched)).toBe('symbol_mismatch');
    expect(refusal(mismatched.replace('"a":12345', '"a": 12345'))).toBe('symbol_mismatch');
  });

  it('refuses a frame whose symbol only shares its stream name prefix', () => {
    expect(refusal(SAMPLE.replace('"s":"BNBBTC"', '"s":"BNBBTCX"'))).toBe('symbol_mismatch');
    expect(refusal(SAMPLE.replace('"s":"BNBBTC"', '"s":"BNBBT"'))).toBe('symbol_mismatch');
  });

  it.each([
    ['beyond year 9999', Date.UTC(10000, 0, 1)],
    ['before Binance existed', 1_000],
  ])('refuses a trade time %s, on both paths', (_label, time) => {
    const frame = SAMPLE.replace('"T":1672515782130', `"T":${time}`);
    expect(scan(frame)).toBeNull();
    expect(refusal(frame)).toBe('time_out_of_range');
  });

  it('refuses a malformed trade as malformed', () => {
    expect(refusal(SAMPLE.replace('"p":"0.00100000"', '"p":"1e5"'))).toBe('malformed');
  });
});
