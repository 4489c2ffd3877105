import { AggTrade, aggTradeProblem, isTradeTimePlausible } from '@binance-rates/domain';
import { RawAggTrade, RawRestAggTrade } from './binance-wire.types';
import { RefusedInputError } from './refused-input.error';

/*
 * Raw aggregate trades, from either source, into domain trades. Samples:
 * stream payload (web-socket-streams.md, "Aggregate Trade Streams"):
 *   {"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001","q":"100","f":100,"l":105,"T":1672515782136,
 *    "m":true,"M":true}
 * REST row (rest-api.md, "Compressed/Aggregate trades list"), the same fields without `e`, `E` and `s`:
 *   {"a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,"T":1498793709153,"m":true,"M":true}
 */

export function aggTradeFromStream(raw: RawAggTrade): AggTrade {
  return aggTradeFromRest(raw.s, raw);
}

/** A REST row names no symbol: it is the one the request asked for. */
export function aggTradeFromRest(symbol: string, raw: RawRestAggTrade): AggTrade {
  return {
    symbol,
    tradeId: raw.a,
    price: raw.p,
    quantity: raw.q,
    firstTradeId: raw.f,
    lastTradeId: raw.l,
    tradeTime: raw.T,
    isBuyerMaker: raw.m,
  };
}

/**
 * Throws a RefusedInputError for a trade that is not well formed (see aggTradeProblem), so it never reaches a price or
 * the history: `time_out_of_range` when only its time is wrong, `malformed` otherwise.
 */
export function requireWellFormed(trade: AggTrade): AggTrade {
  const problem = aggTradeProblem(trade);
  if (problem !== null) {
    const kind = Number.isSafeInteger(trade.tradeTime) && !isTradeTimePlausible(trade.tradeTime) ? 'time_out_of_range' : 'malformed';
    throw new RefusedInputError(kind, `malformed aggregate trade: ${problem}`);
  }
  return trade;
}
