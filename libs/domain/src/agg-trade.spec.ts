import { AggTrade, TRADE_TIME_RANGE_TEXT, aggTradeProblem, isTradeTimePlausible } from './agg-trade';

const TRADE: AggTrade = {
  symbol: 'BTCUSDT',
  tradeId: 0,
  price: '37000.12000000',
  quantity: '5',
  firstTradeId: 10,
  lastTradeId: 12,
  tradeTime: 1_700_000_000_000,
  isBuyerMaker: false,
};

describe('aggTradeProblem', () => {
  it('accepts a well-formed trade', () => {
    expect(aggTradeProblem(TRADE)).toBeNull();
  });

  it.each([
    [{ symbol: 'btcusdt' }, 'symbol "btcusdt" is not a Binance symbol'],
    [{ symbol: 'BTC USDT' }, 'symbol "BTC USDT" is not a Binance symbol'],
    [{ tradeId: -1 }, 'BTCUSDT tradeId -1 is not a whole number >= 0'],
    [{ firstTradeId: 1.5 }, 'BTCUSDT firstTradeId 1.5 is not a whole number >= 0'],
    [{ lastTradeId: 2 ** 53 }, 'BTCUSDT lastTradeId 9007199254740992 is not a whole number >= 0'],
    [{ tradeTime: '1700000000000' }, 'BTCUSDT tradeTime "1700000000000" is not a whole number >= 0'],
    [{ price: '1e5' }, 'BTCUSDT#0 price "1e5" is not a decimal'],
    [{ price: '.5' }, 'BTCUSDT#0 price ".5" is not a decimal'],
    [{ quantity: '1,5' }, 'BTCUSDT#0 quantity "1,5" is not a decimal'],
    [{ quantity: 5 }, 'BTCUSDT#0 quantity 5 is not a decimal'],
    [{ isBuyerMaker: 1 }, 'BTCUSDT#0 isBuyerMaker 1 is not a boolean'],
  ])('refuses %j: %s', (change, problem) => {
    expect(aggTradeProblem({ ...TRADE, ...change } as unknown as AggTrade)).toBe(problem);
  });

  it.each([
    ['year 10000, beyond what PostgreSQL stores', Date.UTC(10000, 0, 1)],
    ['1970, before Binance existed', 5_000],
    ['2200, far beyond any plausible trade', Date.UTC(2200, 0, 1)],
  ])('refuses a trade time of %s', (_label, tradeTime) => {
    expect(aggTradeProblem({ ...TRADE, tradeTime })).toBe(`BTCUSDT#0 tradeTime ${tradeTime} is outside ${TRADE_TIME_RANGE_TEXT}`);
    expect(isTradeTimePlausible(tradeTime)).toBe(false);
  });
});
