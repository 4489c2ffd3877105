import type { BackoffPolicy } from '@binance-rates/domain';
import { BINANCE_STREAM_LIMITS } from './binance.limits';
import type { InputQuarantine } from './input-quarantine';
import type { LinkWatchdogTimings } from './link.watchdog';
import type { StreamConnectionTimings } from './stream-connection';

export interface StreamClientTimings extends LinkWatchdogTimings {
  /** Default `BINANCE_STREAM_LIMITS.requestTimeoutMs`. */
  requestTimeoutMs?: number;
  /** Default `BINANCE_STREAM_LIMITS.connectTimeoutMs`. */
  connectTimeoutMs?: number;
}

/** What the stream client is told; every protocol limit left out takes its value from `BINANCE_STREAM_LIMITS`. */
export interface BinanceStreamClientOptions {
  baseUrl: string;
  streamsPerConnection: number;
  maxOutgoingPerSecond?: number;
  maxStreamsPerMessage?: number;
  timings: StreamClientTimings;
  /** Replace each connection before Binance's 24 h cut. */
  renewAfterMs: number;
  backoff?: BackoffPolicy;
  /** Connection opens allowed per `opensWindowMs`; Binance allows 300 attempts per 5 minutes per IP. */
  maxOpensPerWindow?: number;
  opensWindowMs?: number;
  /** Where refused frames are counted; the client keeps a private one when not given. */
  quarantine?: InputQuarantine;
}

export interface ResolvedStreamClientOptions extends Required<Omit<BinanceStreamClientOptions, 'timings' | 'quarantine'>> {
  timings: StreamConnectionTimings;
}

export function withStreamLimitDefaults(options: BinanceStreamClientOptions): ResolvedStreamClientOptions {
  const limits = BINANCE_STREAM_LIMITS;
  return {
    baseUrl: options.baseUrl,
    streamsPerConnection: options.streamsPerConnection,
    maxOutgoingPerSecond: options.maxOutgoingPerSecond ?? limits.maxOutgoingPerSecond,
    maxStreamsPerMessage: options.maxStreamsPerMessage ?? limits.maxStreamsPerMessage,
    timings: {
      pingAfterIdleMs: options.timings.pingAfterIdleMs,
      deadAfterIdleMs: options.timings.deadAfterIdleMs,
      requestTimeoutMs: options.timings.requestTimeoutMs ?? limits.requestTimeoutMs,
      connectTimeoutMs: options.timings.connectTimeoutMs ?? limits.connectTimeoutMs,
    },
    renewAfterMs: options.renewAfterMs,
    backoff: options.backoff ?? limits.backoff,
    maxOpensPerWindow: options.maxOpensPerWindow ?? limits.maxOpensPerWindow,
    opensWindowMs: options.opensWindowMs ?? limits.opensWindowMs,
  };
}
