import { HistoryCoverageRepository } from './history-coverage.repository';
import { insert, openTradeHistory, range, T0, type TradeHistoryDatabase } from './trade.fixtures';

describe('HistoryCoverageRepository', () => {
  let history: TradeHistoryDatabase;
  let coverage: HistoryCoverageRepository;

  beforeEach(async () => {
    history = await openTradeHistory();
    coverage = new HistoryCoverageRepository(history.client);
    // Ids 1..100 and 301..400 as runs, 150..199 as a block; ETHUSDT holds the ids in between.
    await insert(history.writer, [...range(1, 100), ...range(301, 400)]);
    await insert(history.writer, range(150, 199), 'block');
    await insert(history.writer, range(101, 300, { symbol: 'ETHUSDT' }));
  });

  afterEach(() => history.close());

  it('counts the stored ids of a range over runs and blocks, partly covered rows included', async () => {
    await expect(coverage.storedCount({ symbol: 'BTCUSDT', fromId: 1, toId: 400 })).resolves.toBe(250);
    await expect(coverage.storedCount({ symbol: 'BTCUSDT', fromId: 101, toId: 300 })).resolves.toBe(50);
    await expect(coverage.storedCount({ symbol: 'BTCUSDT', fromId: 90, toId: 160 })).resolves.toBe(11 + 11);
    await expect(coverage.storedCount({ symbol: 'BTCUSDT', fromId: 201, toId: 300 })).resolves.toBe(0);
    await expect(coverage.storedCount({ symbol: 'ETHUSDT', fromId: 101, toId: 300 })).resolves.toBe(200);
  });

  it('finds the times of the stored trades just below and above a range', async () => {
    await expect(coverage.neighbours({ symbol: 'BTCUSDT', fromId: 101, toId: 149 })).resolves.toEqual({
      belowTime: T0 + 100_000,
      aboveTime: T0 + 150_000,
    });
    await expect(coverage.neighbours({ symbol: 'BTCUSDT', fromId: 200, toId: 300 })).resolves.toEqual({
      belowTime: T0 + 199_000,
      aboveTime: T0 + 301_000,
    });
    await expect(coverage.neighbours({ symbol: 'BTCUSDT', fromId: 401, toId: 500 })).resolves.toEqual({ belowTime: T0 + 400_000, aboveTime: null });
    await expect(coverage.neighbours({ symbol: 'SOLUSDT', fromId: 1, toId: 5 })).resolves.toEqual({ belowTime: null, aboveTime: null });
  });
});
