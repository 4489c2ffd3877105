import { AggTradeCsvReader } from './agg-trade-csv.reader';
import { ArchiveFormatError } from './archive.errors';

const ROW_MS = '100,43000.01000000,0.00120000,500,502,1704067200123,False,True';
const ROW_US = '101,43000.02000000,1.50000000,503,503,1735689600123456,True,True';

function readAll(chunks: string[]): ReturnType<AggTradeCsvReader['read']> {
  const reader = new AggTradeCsvReader('BTCUSDT', 'BTCUSDT-aggTrades-2024-01-01.zip');
  return [...chunks.flatMap((chunk) => reader.read(Buffer.from(chunk, 'latin1'))), ...reader.end()];
}

describe('AggTradeCsvReader', () => {
  it('reads a row without a header as an aggregate trade', () => {
    expect(readAll([`${ROW_MS}\n`])).toEqual([
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
    const [trade] = readAll([`${ROW_US}\n`]);
    expect(trade?.tradeTime).toBe(1735689600123);
    expect(trade?.isBuyerMaker).toBe(true);
  });

  it('skips a header row', () => {
    const header = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker,is_best_match';
    expect(readAll([`${header}\n${ROW_MS}\n`]).map((trade) => trade.tradeId)).toEqual([100]);
  });

  it('joins rows cut across chunks, CRLF line ends and a last row without a line break', () => {
    const text = `${ROW_MS}\r\n${ROW_US}`;
    const chunks = [text.slice(0, 17), text.slice(17, 70), text.slice(70)];
    expect(readAll(chunks).map((trade) => trade.tradeId)).toEqual([100, 101]);
  });

  it('reads rows without the best-match column', () => {
    expect(readAll(['100,1.0,2.0,5,5,1704067200123,true\n'])[0]?.isBuyerMaker).toBe(true);
  });

  it.each([
    ['a text row after the first', `${ROW_MS}\nhello,world\n`, /line 2 is not a trade row/],
    ['a missing field', '100,1.0,2.0,5,1704067200123,True\n', /line 1 has 6 fields/],
    ['an id that is not a number', '100,1.0,2.0,x,5,1704067200123,True,True\n', /first trade id "x"/],
    ['a flag that is not True or False', '100,1.0,2.0,5,5,1704067200123,yes,True\n', /buyer-maker flag "yes"/],
    ['a time before 2017', '100,1.0,2.0,5,5,1400000000000,True,True\n', /timestamp 1400000000000/],
  ])('refuses %s, naming the file and line', (_label, text, message) => {
    const read = () => readAll([text]);
    expect(read).toThrow(ArchiveFormatError);
    expect(read).toThrow(message);
    expect(read).toThrow(/BTCUSDT-aggTrades-2024-01-01\.zip/);
  });
});
