import { type AggTrade, TradeRunBatch, tradeAt } from '@binance-rates/domain';
import { AggTradeCsvDecoder } from './agg-trade-csv.decoder';
import { ArchiveFormatError } from './archive.errors';

const ROW_MS = '100,43000.01000000,0.00120000,500,502,1704067200123,False,True';
const ROW_US = '101,43000.02000000,1.50000000,503,503,1735689600123456,True,True';

/** Decodes the chunks into a batch and reads its trades back. */
function decodeAll(chunks: string[], afterId = -1): AggTrade[] {
  const decoder = new AggTradeCsvDecoder('BTCUSDT', 'BTCUSDT-aggTrades-2024-01-01.zip');
  const batch = new TradeRunBatch();
  for (const chunk of chunks) decoder.decode(Buffer.from(chunk, 'latin1'), batch, afterId);
  decoder.end(batch, afterId);
  return batch.seal().flatMap((run) => Array.from({ length: run.count }, (_, index) => tradeAt(run, index)));
}

describe('AggTradeCsvDecoder', () => {
  it('decodes a row without a header as an aggregate trade, its decimals as Binance printed them', () => {
    expect(decodeAll([`${ROW_MS}\n`])).toEqual([
      {
        symbol: 'BTCUSDT',
        tradeId: 100,
        price: '43000.01000000',
        quantity: '0.00120000',
        firstTradeId: 500,
        lastTradeId: 502,
        tradeTime: 1704067200123,
        isBuyerMaker: false,
      },
    ]);
  });

  it('takes microsecond timestamps (spot files from 2025) down to milliseconds', () => {
    const [, trade] = decodeAll([`${ROW_MS}\n${ROW_US}\n`]);
    expect(trade?.tradeTime).toBe(1735689600123);
    expect(trade?.isBuyerMaker).toBe(true);
  });

  it('skips a header row', () => {
    const header = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker,is_best_match';
    expect(decodeAll([`${header}\n${ROW_MS}\n`]).map((trade) => trade.tradeId)).toEqual([100]);
  });

  it('joins rows cut across chunks, CRLF line ends and a last row without a line break', () => {
    const text = `${ROW_MS}\r\n${ROW_US}`;
    const chunks = [text.slice(0, 17), text.slice(17, 70), text.slice(70)];
    expect(decodeAll(chunks).map((trade) => trade.tradeId)).toEqual([100, 101]);
  });

  it('reads rows without the best-match column, and flags in lower case', () => {
    expect(decodeAll(['100,1.0,2.0,5,5,1704067200123,true\n'])[0]?.isBuyerMaker).toBe(true);
    expect(decodeAll(['100,1.0,2.0,5,5,1704067200123,false\n'])[0]?.isBuyerMaker).toBe(false);
  });

  it('leaves out the trades at or below the id stored already', () => {
    expect(decodeAll([`${ROW_MS}\n${ROW_US}\n`], 100).map((trade) => trade.tradeId)).toEqual([101]);
  });

  it('decodes what TradeRunBatch.append makes of the same trades as text', () => {
    const rows: string[] = [];
    const batch = new TradeRunBatch();
    for (let i = 0; i < 2_000; i += 1) {
      const trade: AggTrade = {
        symbol: 'BTCUSDT',
        tradeId: 5_000 + i + (i > 1_000 ? 3 : 0),
        price: `${43_000 + (i % 17)}.${String((i * 7) % 100).padStart(2, '0')}${i % 500 === 0 ? '1' : ''}000000`.slice(0, i % 500 === 0 ? 15 : 14),
        quantity: i % 3 === 0 ? '0.00100000' : `${i % 11}.5`,
        firstTradeId: 90_000 + 2 * i,
        lastTradeId: 90_001 + 2 * i,
        tradeTime: 1_704_067_200_000 + Math.floor(i / 3),
        isBuyerMaker: i % 2 === 0,
      };
      batch.append(trade);
      rows.push(`${trade.tradeId},${trade.price},${trade.quantity},${trade.firstTradeId},${trade.lastTradeId},${trade.tradeTime},${trade.isBuyerMaker ? 'True' : 'False'},True`);
    }
    const expected = batch.seal().flatMap((run) => Array.from({ length: run.count }, (_, index) => tradeAt(run, index)));
    const text = `${rows.join('\n')}\n`;
    expect(decodeAll([text.slice(0, 50_001), text.slice(50_001)])).toEqual(expected);
  });

  it.each([
    ['a text row after the first', `${ROW_MS}\nhello,world\n`, /line 2 is not a trade row/],
    ['a missing field', '100,1.0,2.0,5,1704067200123,True\n', /line 1 has 6 fields/],
    ['too many fields', '100,1.0,2.0,5,5,1704067200123,True,True,x,y\n', /line 1 has 10 fields/],
    ['an id that is not a number', '100,1.0,2.0,x,5,1704067200123,True,True\n', /first trade id "x"/],
    ['a price that is not a decimal', '100,1.0.1,2.0,5,5,1704067200123,True,True\n', /price "1\.0\.1"/],
    ['a flag that is not True or False', '100,1.0,2.0,5,5,1704067200123,yes,True\n', /buyer-maker flag "yes"/],
    ['a time before 2017', '100,1.0,2.0,5,5,1400000000000,True,True\n', /timestamp 1400000000000/],
  ])('refuses %s, naming the file and line', (_label, text, message) => {
    const read = () => decodeAll([text]);
    expect(read).toThrow(ArchiveFormatError);
    expect(read).toThrow(message);
    expect(read).toThrow(/BTCUSDT-aggTrades-2024-01-01\.zip/);
  });
});
