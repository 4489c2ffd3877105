/** How event times are written: `timeUnit` absent or MILLISECOND, MICROSECOND, or a unit Binance does not know. */
export type StreamTimeUnit = 'millisecond' | 'microsecond' | 'unknown';

export interface StreamUrl {
  /** The path, percent-decoded. */
  path: string;
  /** `/stream` connections wrap events as `{"stream","data"}`; `/ws` ones send them raw. */
  combined: boolean;
  /** Stream names as written in the URL, percent-decoded, not yet checked. */
  streams: string[];
  timeUnit: StreamTimeUnit;
}

const TIME_UNITS: Record<string, StreamTimeUnit> = {
  MILLISECOND: 'millisecond',
  millisecond: 'millisecond',
  MICROSECOND: 'microsecond',
  microsecond: 'microsecond',
};

/**
 * Reads an upgrade URL as Binance's stream endpoints do: `/ws`, `/ws/<stream>[/<stream>…]`, `/stream?streams=<s1>/<s2>`
 * or `/stream`, each with an optional `timeUnit`. Null for any other path or a malformed one (not a stream endpoint).
 */
export function parseStreamUrl(requestUrl: string | undefined): StreamUrl | null {
  let url: URL;
  let path: string;
  try {
    url = new URL(requestUrl ?? '/', 'http://binance');
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
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
  return { path, combined, streams, timeUnit: timeUnit === null ? 'millisecond' : (TIME_UNITS[timeUnit] ?? 'unknown') };
}
