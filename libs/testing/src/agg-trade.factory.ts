import type { AggTrade } from '@binance-rates/domain';

/** When trade 0 of `aggTrade()` happened; trade n follows n seconds later. */
export const AGG_TRADE_EPOCH = Date.UTC(2024, 0, 1);

/**
 * A valid aggregate trade: BTCUSDT, id 1 unless given. What is not given follows from the id, so trades built from
 * consecutive ids are consecutive: one second apart, covering trade ids `10 × id` to `10 × id + 3`, buyer and seller
 * taking turns as maker. Price and quantity are fixed.
 */
export function aggTrade(fields: Partial<AggTrade> = {}): AggTrade {
  const tradeId = fields.tradeId ?? 1;
  return {
    symbol: 'BTCUSDT',
    tradeId,
    price: '37000.12000000',
    quantity: '0.50000000',
    firstTradeId: tradeId * 10,
    lastTradeId: tradeId * 10 + 3,
    tradeTime: AGG_TRADE_EPOCH + tradeId * 1_000,
    isBuyerMaker: tradeId % 2 === 0,
    ...fields,
  };
}
