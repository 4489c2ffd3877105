import { AggTrade } from '@binance-rates/domain';
import { aggTradeFromStream, requireWellFormed } from './agg-trade.parser';
import { scanCombinedAggTrade } from './agg-trade-frame.scanner';
import { RawAggTrade } from './binance-wire.types';
import { RefusedInputError } from './refused-input.error';

export type StreamFrame =
  | { kind: 'aggTrade'; trade: AggTrade }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number | string | null; code: number; message: string }
  | { kind: 'serverShutdown'; eventTime: number }
  | { kind: 'other'; stream: string | null };

/**
 * Parses one text frame of a combined-stream connection. Throws a RefusedInputError for an aggTrade that is not well
 * formed or whose symbol is not the one its stream is for (a frame routed to the wrong stream must not move another
 * symbol's price or sequence), and a SyntaxError for text that is not JSON. Pass the frame's bytes as received: a combined aggTrade in
 * Binance's own layout is read straight from them, without decoding the frame or JSON.parse; anything else (and a
 * frame given as a string) is decoded as UTF-8 and goes through JSON.parse. Samples:
 * {"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1672515782136,"s":"BTCUSDT","a":12345,"p":"0.001",
 *   "q":"100","f":100,"l":105,"T":1672515782136,"m":true,"M":true}}
 * {"result":null,"id":1}
 * {"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":2}
 * {"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}
 */
export function parseStreamFrame(payload: Buffer | string): StreamFrame {
  if (typeof payload !== 'string') {
    const trade = scanCombinedAggTrade(payload);
    if (trade !== null) {
      return { kind: 'aggTrade', trade };
    }
  }
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  const frame = JSON.parse(text) as Record<string, unknown>;
  const data = frame['data'] as Record<string, unknown> | undefined;
  if (data !== undefined) {
    const event = data['e'];
    if (event === 'aggTrade') {
      const trade = requireWellFormed(aggTradeFromStream(data as unknown as RawAggTrade));
      if (!isStreamOf(frame['stream'], trade.symbol)) {
        throw new RefusedInputError('symbol_mismatch', `aggTrade of ${trade.symbol} on stream ${JSON.stringify(frame['stream'])}`);
      }
      return { kind: 'aggTrade', trade };
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

/** Whether `stream` (`btcusdt@aggTrade`, or with a suffix such as `@100ms`) names `symbol`'s stream. */
function isStreamOf(stream: unknown, symbol: string): boolean {
  return typeof stream === 'string' && stream.slice(0, stream.indexOf('@')) === symbol.toLowerCase();
}
