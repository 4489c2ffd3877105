import { aggTrade, AGG_TRADE_EPOCH } from './agg-trade.factory';

describe('aggTrade', () => {
  it('derives what it is not given from the trade id', () => {
    expect(aggTrade({ tradeId: 3 })).toEqual({
      symbol: 'BTCUSDT',
      tradeId: 3,
      price: '37000.12000000',
      quantity: '0.50000000',
      firstTradeId: 30,
      lastTradeId: 33,
      tradeTime: AGG_TRADE_EPOCH + 3_000,
      isBuyerMaker: false,
    });
    expect(aggTrade()).toMatchObject({ tradeId: 1, firstTradeId: 10, tradeTime: AGG_TRADE_EPOCH + 1_000 });
  });

  it('takes any field as given', () => {
    expect(aggTrade({ symbol: 'ETHUSDT', tradeId: 4, price: '1.5', firstTradeId: 1, tradeTime: 5 })).toMatchObject({
      symbol: 'ETHUSDT',
      price: '1.5',
      firstTradeId: 1,
      lastTradeId: 43,
      tradeTime: 5,
      isBuyerMaker: true,
    });
  });
});
