const TIME_UNITS: Record<string, boolean> = { MILLISECOND: false, millisecond: false, MICROSECOND: true, microsecond: true };

/** What Binance answers an upgrade whose `timeUnit` it does not know; the connection is refused. */
export const INVALID_TIME_UNIT_RESPONSE =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"code":-1100,"msg":"Invalid timeUnit."}';

export interface StreamUrl {
  /** The path, percent-decoded. */
  path: string;
  /** `/stream` (events wrapped as `{"stream","data"}`) rather than `/ws` (raw events). */
  combined: boolean;
  /** Stream names as written in the URL, not yet checked. */
  streams: string[];
  /** `timeUnit=MICROSECOND`: event times in microseconds. */
  microseconds: boolean;
  /** False when `timeUnit` is given but is not one Binance knows. */
  validTimeUnit: boolean;
}

/**
 * Reads an upgrade URL the way Binance's stream endpoints do: `/ws`, `/ws/<stream>[/<stream>…]`,
 * `/stream?streams=<stream>/<stream>` or `/stream`, each with an optional `timeUnit`. Null for any other path.
 */
export function parseStreamUrl(requestUrl: string | undefined): StreamUrl | null {
  const url = new URL(requestUrl ?? '/', 'http://emulator');
  const path = decodeURIComponent(url.pathname);
  let combined: boolean;
  let streams: string[];
  if (path === '/ws' || path === '/ws/') {
    combined = false;
    streams = [];
  } else if (path.startsWith('/ws/')) {
    combined = false;
    streams = path.slice(4).split('/');
  } else if (path === '/stream' || path === '/stream/') {
    combined = true;
    streams = (url.searchParams.get('streams') ?? '').split('/');
  } else {
    return null;
  }
  const timeUnit = url.searchParams.get('timeUnit');
  return {
    path,
    combined,
    streams,
    microseconds: timeUnit !== null && TIME_UNITS[timeUnit],
    validTimeUnit: timeUnit === null || timeUnit in TIME_UNITS,
  };
}
