import { readStreamName } from '@binance-rates/domain';

/** Only these two carry data in the emulator; every other valid stream is accepted and stays silent. */
export type StreamKind = 'aggTrade' | 'trade' | 'silent';

export interface ParsedStreamName {
  kind: StreamKind;
  /** The symbol part exactly as written (Binance only serves lower case; upper case is accepted and silent). */
  symbol: string | null;
}

/** A valid stream name (see readStreamName) and whether the emulator publishes on it; null when invalid. */
export function parseStreamName(name: string): ParsedStreamName | null {
  const stream = readStreamName(name);
  if (stream === null) {
    return null;
  }
  const carriesData = stream.symbol !== null && (stream.type === 'aggTrade' || stream.type === 'trade');
  return { kind: carriesData ? (stream.type as 'aggTrade' | 'trade') : 'silent', symbol: stream.symbol };
}
