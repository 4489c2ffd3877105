import { AggTrade, TradeSequencer } from '@binance-rates/domain';
import { aggTrade } from '@binance-rates/testing';
import { AggTradesPager } from '../gaps/agg-trades-pager';
import { BackfillJob } from '../gaps/backfill-job';
import { BackfillQueue } from '../gaps/backfill-queue';
import { IdJumpCheck } from './id-jump-check';

/** A pager that serves the trades given, by id, and a queue that notes what it is handed. */
function checkWith(served: AggTrade[]) {
  const asked: number[] = [];
  const pager = {
    page: ({ fromId }: { fromId: number }) => {
      asked.push(fromId);
      return Promise.resolve(served.filter((trade) => trade.tradeId >= fromId).slice(0, 1));
    },
  } as unknown as AggTradesPager;
  const pushed: BackfillJob[] = [];
  const queue = { push: (job: BackfillJob) => pushed.push(job) } as unknown as BackfillQueue;
  const sequencer = new TradeSequencer();
  return { check: new IdJumpCheck(pager, sequencer, queue), sequencer, asked, pushed };
}

describe('IdJumpCheck', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2024, 0, 1) }));
  afterEach(() => jest.useRealTimers());

  it('drops an outlier REST does not serve, and the symbol keeps following its real ids', async () => {
    const { check, sequencer, asked, pushed } = checkWith([aggTrade({ tradeId: 11 })]);
    sequencer.observe('BTCUSDT', 10, aggTrade({ tradeId: 10 }).tradeTime);
    const outlier = aggTrade({ tradeId: 9_000_000_000, tradeTime: aggTrade({ tradeId: 11 }).tradeTime });
    check.suspect(outlier, 10);
    await jest.advanceTimersByTimeAsync(0);
    expect(asked).toEqual([9_000_000_000]);
    expect(check.stats()).toEqual({ suspect: 1, confirmed_jump: 0, outlier: 1, reset: 0 });
    expect(pushed).toEqual([]);
    expect(sequencer.lastId('BTCUSDT')).toBe(10);
  });

  it('moves the sequence on and backfills the range when REST serves the suspect id', async () => {
    const jumped = aggTrade({ tradeId: 5_000_000, tradeTime: aggTrade({ tradeId: 11 }).tradeTime });
    const { check, sequencer, pushed } = checkWith([jumped]);
    sequencer.observe('BTCUSDT', 10, aggTrade({ tradeId: 10 }).tradeTime);
    check.suspect(jumped, 10);
    await jest.advanceTimersByTimeAsync(0);
    expect(check.stats()).toMatchObject({ suspect: 1, confirmed_jump: 1, outlier: 0 });
    expect(sequencer.lastId('BTCUSDT')).toBe(5_000_000);
    expect(pushed).toEqual([expect.objectContaining({ kind: 'range', symbol: 'BTCUSDT', fromId: 11, toId: 5_000_000 })]);
  });

  it('asks REST at most once per symbol at a time, and again only after a pause', async () => {
    const { check, sequencer, asked } = checkWith([]);
    sequencer.observe('BTCUSDT', 10, aggTrade({ tradeId: 10 }).tradeTime);
    for (let n = 0; n < 100; n += 1) check.suspect(aggTrade({ tradeId: 9_000_000_000 + n }), 10);
    await jest.advanceTimersByTimeAsync(1_000);
    check.suspect(aggTrade({ tradeId: 9_000_000_200 }), 10);
    expect(asked).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(5_000);
    check.suspect(aggTrade({ tradeId: 9_000_000_300 }), 10);
    await jest.advanceTimersByTimeAsync(0);
    expect(asked).toHaveLength(2);
    expect(check.stats().suspect).toBe(102);
  });
});
