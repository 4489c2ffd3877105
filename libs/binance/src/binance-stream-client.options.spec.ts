import { BINANCE_STREAM_LIMITS } from './binance.limits';
import { withStreamLimitDefaults } from './binance-stream-client.options';

const required = {
  baseUrl: 'wss://stream.binance.com:9443',
  streamsPerConnection: 200,
  timings: { pingAfterIdleMs: 30_000, deadAfterIdleMs: 60_000 },
  renewAfterMs: 23 * 60 * 60_000,
};

describe('withStreamLimitDefaults', () => {
  it('fills every protocol limit left out from BINANCE_STREAM_LIMITS', () => {
    expect(withStreamLimitDefaults(required)).toEqual({
      ...required,
      maxOutgoingPerSecond: 4,
      maxStreamsPerMessage: 100,
      timings: { pingAfterIdleMs: 30_000, deadAfterIdleMs: 60_000, requestTimeoutMs: 10_000, connectTimeoutMs: 10_000 },
      backoff: BINANCE_STREAM_LIMITS.backoff,
      maxOpensPerWindow: 250,
      opensWindowMs: 300_000,
    });
  });

  it('keeps every override a caller passes, such as the shorter timings of a test', () => {
    const backoff = { initialMs: 10, maxMs: 100, resetAfterMs: 1_000 };
    const resolved = withStreamLimitDefaults({
      ...required,
      maxOutgoingPerSecond: 2,
      maxStreamsPerMessage: 5,
      timings: { pingAfterIdleMs: 100, deadAfterIdleMs: 300, requestTimeoutMs: 500, connectTimeoutMs: 200 },
      backoff,
      maxOpensPerWindow: 3,
      opensWindowMs: 1_000,
    });
    expect(resolved).toEqual({
      ...required,
      maxOutgoingPerSecond: 2,
      maxStreamsPerMessage: 5,
      timings: { pingAfterIdleMs: 100, deadAfterIdleMs: 300, requestTimeoutMs: 500, connectTimeoutMs: 200 },
      backoff,
      maxOpensPerWindow: 3,
      opensWindowMs: 1_000,
    });
  });

  it('keeps the defaults frozen, so no caller can change them for everyone', () => {
    expect(Object.isFrozen(BINANCE_STREAM_LIMITS)).toBe(true);
    expect(Object.isFrozen(BINANCE_STREAM_LIMITS.backoff)).toBe(true);
  });
});
