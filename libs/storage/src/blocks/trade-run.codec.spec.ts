import { type AggTrade, runOf, runTrades, sliceRun, type TradeRun } from '@binance-rates/domain';
import { aggTrade, marketLikeTrades, seededRandom } from '@binance-rates/testing';
import { CorruptTradeRunError } from './corrupt-trade-run.error';
import { decodeRun, encodeRun } from './trade-run.codec';

function roundTrip(run: TradeRun): TradeRun {
  return decodeRun(encodeRun(run), run.symbol, run.firstId);
}

/** Consecutive trades with values at the edges of what a run holds, drawn from `seed`. */
function extremeTrades(seed: number, count: number): AggTrade[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const firstId = pick([0, 1, 2 ** 40, Number.MAX_SAFE_INTEGER - count + 1]);
  const decimals = pick([0, 2, 8]);
  const digits = (max: number): string => String(Math.floor(random() * max));
  const decimal = (whole: string): string => (decimals === 0 ? whole : `${whole}.${digits(10 ** decimals).padStart(decimals, '0')}`);
  const largest = { 0: '9007199254740991', 2: '90071992547409.91', 8: '90071992.54740991' }[decimals]!;
  const rawIds = [0, 1, 7, 2 ** 52, Number.MAX_SAFE_INTEGER];
  let time = pick([-62_135_596_800_000, -1, 0, 1_700_000_000_000]);
  return Array.from({ length: count }, (_, index) => {
    time += pick([0, 0, 1, 999, 2 ** 40]);
    return aggTrade({
      tradeId: firstId + index,
      price: random() < 0.2 ? largest : decimal(pick(['0', '1', digits(1e6)])),
      quantity: decimal(pick(['0', '3', digits(1e7)])),
      firstTradeId: pick(rawIds),
      lastTradeId: pick(rawIds),
      tradeTime: time,
      isBuyerMaker: random() < 0.5,
    });
  });
}

describe('trade run codec', () => {
  it.each([1, 2, 8, 9, 25, 1_000, 4_096])('gives back %d market-like trades exactly', (count) => {
    const trades = marketLikeTrades({ count, seed: count, firstId: 1_000_000 });
    const decoded = roundTrip(runOf(trades));
    expect(decoded).toMatchObject({ symbol: 'BTCUSDT', firstId: 1_000_000, count, priceScale: 2, quantityScale: 5 });
    expect(runTrades(decoded)).toEqual(trades);
  });

  it('takes at most 6 bytes a trade for market-like blocks', () => {
    const payload = encodeRun(runOf(marketLikeTrades({ count: 4_096, seed: 7 })));
    expect(payload.length / 4_096).toBeLessThan(6);
  });

  it.each(Array.from({ length: 40 }, (_, seed) => seed))('gives back trades at the edges of every column (seed %d)', (seed) => {
    const trades = extremeTrades(seed, 1 + (seed % 17));
    expect(runTrades(roundTrip(runOf(trades)))).toEqual(trades);
  });

  it('gives back raw trade ids that jump forward or back between far-apart trades', () => {
    const trades = marketLikeTrades({ count: 1_000, seed: 9 }).map((trade, index) =>
      index < 400 ? trade : index < 700 ? { ...trade, firstTradeId: trade.firstTradeId + 5_000, lastTradeId: trade.lastTradeId + 5_000 } : { ...trade, firstTradeId: trade.firstTradeId - 7, lastTradeId: trade.lastTradeId - 7 },
    );
    const payload = encodeRun(runOf(trades));
    expect(runTrades(decodeRun(payload, 'BTCUSDT', 1))).toEqual(trades);
  });

  it('encodes a slice that starts inside its arrays as the trades it holds', () => {
    const trades = marketLikeTrades({ count: 50, seed: 3 });
    const slice = sliceRun(runOf(trades), 20, 30)!;
    expect(runTrades(roundTrip(slice))).toEqual(trades.slice(19, 30));
  });

  it('keeps a common quantity factor out of the payload and multiplies it back', () => {
    const trades = [1, 2, 3].map((tradeId) => aggTrade({ tradeId, quantity: `${tradeId * 250}.00000000` }));
    const payload = encodeRun(runOf(trades));
    expect(runTrades(decodeRun(payload, 'BTCUSDT', 1))).toEqual(trades);
  });

  it('refuses to encode a run whose time goes back', () => {
    const run = runOf([aggTrade({ tradeId: 1 }), aggTrade({ tradeId: 2 })]);
    run.time[1] = run.time[0]! - 1;
    expect(() => encodeRun(run)).toThrow(/time goes back at #2/);
  });
});

describe('decoding a damaged payload', () => {
  const payload = encodeRun(runOf(marketLikeTrades({ count: 30, seed: 11 })));

  function corrupt(bytes: Uint8Array, firstId = 1): unknown {
    try {
      return decodeRun(Buffer.from(bytes), 'BTCUSDT', firstId);
    } catch (error) {
      return error;
    }
  }

  it('refuses every truncation, naming the run', () => {
    for (let length = 0; length < payload.length; length += 1) {
      const error = corrupt(payload.subarray(0, length));
      expect(error).toBeInstanceOf(CorruptTradeRunError);
      expect((error as Error).message).toMatch(/^Stored trades BTCUSDT from #1 are corrupt: /);
    }
  });

  it('refuses bytes left after the last column', () => {
    expect(corrupt(Buffer.concat([payload, Buffer.of(0)]))).toEqual(expect.objectContaining({ message: expect.stringMatching(/1 bytes are left/) }));
  });

  it.each([
    ['an unknown format', [2, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], /format byte 2/],
    ['more trades than bytes', [1, 0xff, 0xff, 0x03, 0, 0, 0, 0, 1, 0, 0, 0], /claims 65535 trades/],
    ['no trades', [1, 0, 0, 0, 0, 0, 1, 0, 0, 0], /claims 0 trades/],
    ['a scale past its text width', [1, 1, 3, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0], /scales 3\/2 and 0\/0 are impossible/],
    ['a quantity factor of 0', [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], /factor is 0/],
    ['a varint not in its shortest form', [1, 0x81, 0x00, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], /shortest form/],
    ['a varint longer than 8 bytes', [1, 1, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], /longer than 8 bytes/],
    ['a negative zero', [1, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0], /negative zero/],
    ['a price below zero', [1, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0], /price units -1 of #2/],
    ['maker bits past the last trade', [1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0b10], /bits past the last trade/],
    ['more raw id breaks than trades after the first', [1, 2, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 2, 0, 2], /claims 2 raw id breaks among 2 trades/],
    ['a raw id break past the last trade', [1, 2, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 0, 0], /break at trade 2 of 2 is out of place/],
    ['a raw id break of 0', [1, 2, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0], /break at trade 1 of 2 is out of place or 0/],
  ])('refuses %s', (_, bytes, reason) => {
    const error = corrupt(Uint8Array.from(bytes));
    expect(error).toBeInstanceOf(CorruptTradeRunError);
    expect((error as Error).message).toMatch(reason);
  });

  it('refuses a count that would take the last id past 2^53', () => {
    expect(corrupt(payload, Number.MAX_SAFE_INTEGER)).toBeInstanceOf(CorruptTradeRunError);
  });

  it('never returns a run from a payload with one byte changed without every value in range', () => {
    const random = seededRandom(5);
    for (let attempt = 0; attempt < 2_000; attempt += 1) {
      const bytes = Uint8Array.from(payload);
      bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const result = corrupt(bytes);
      if (!(result instanceof CorruptTradeRunError)) {
        const run = result as TradeRun;
        expect(run.count).toBeLessThanOrEqual(bytes.length);
        for (const trade of runTrades(run)) {
          expect(Number.isSafeInteger(trade.firstTradeId) && trade.firstTradeId >= 0).toBe(true);
          expect(Number.isSafeInteger(trade.tradeTime)).toBe(true);
        }
      }
    }
  });
});
