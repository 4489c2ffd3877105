import { AggTrade } from '@binance-rates/domain';
import { RawAggTrade, RawRestAggTrade } from './binance-wire.types';

export type StreamFrame =
  | { kind: 'aggTrade'; trade: AggTrade }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number | string | null; code: number; message: string }
  | { kind: 'serverShutdown'; eventTime: number }
  | { kind: 'other'; stream: string | null };

/**
 * Parses one text frame of a combined-stream connection. Samples:
 * {"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1672515782136,"s":"BTCUSDT","a":12345,"p":"0.001",
 *   "q":"100","f":100,"l":105,"T":1672515782136,"m":true,"M":true}}
 * {"result":null,"id":1}
 * {"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":2}
 * {"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}
 */
export function parseStreamFrame(text: string): StreamFrame {
  const frame = JSON.parse(text) as Record<string, unknown>;
  const data = frame['data'] as Record<string, unknown> | undefined;
  if (data !== undefined) {
    const event = data['e'];
    if (event === 'aggTrade') {
      return { kind: 'aggTrade', trade: aggTradeFromStream(data as unknown as RawAggTrade) };
    }
    if (event === 'serverShutdown') {
      return { kind: 'serverShutdown', eventTime: Number(data['E']) };
    }
    return { kind: 'other', stream: typeof frame['stream'] === 'string' ? frame['stream'] : null };
  }
  if (frame['e'] === 'serverShutdown') {
    return { kind: 'serverShutdown', eventTime: Number(frame['E']) };
  }
  const error = frame['error'] as { code?: unknown; msg?: unknown } | undefined;
  if (error !== undefined) {
    return {
      kind: 'error',
      id: (frame['id'] as number | string | null) ?? null,
      code: Number(error.code),
      message: String(error.msg),
    };
  }
  if ('result' in frame && 'id' in frame) {
    return { kind: 'result', id: Number(frame['id']), result: frame['result'] };
  }
  return { kind: 'other', stream: null };
}

export function aggTradeFromStream(raw: RawAggTrade): AggTrade {
  return aggTradeFromRest(raw.s, raw);
}

/** REST sample: {"a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,"T":1498793709153,"m":true,"M":true} */
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
