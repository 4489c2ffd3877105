export interface StreamUrl {
  /** `/stream` connections wrap events as `{"stream","data"}`; `/ws` ones send them raw. */
  combined: boolean;
  /** Stream names as written in the URL, percent-decoded, not yet checked. */
  streams: string[];
  /** `timeUnit` is absent or milliseconds, the only unit served. */
  millisecondTimes: boolean;
}

const MILLISECONDS = new Set(['MILLISECOND', 'millisecond']);

/**
 * Reads an upgrade URL as Binance's stream endpoints do: `/ws`, `/ws/<stream>[/<stream>…]`, `/stream?streams=<s1>/<s2>`
 * or `/stream`. Null for any other path (not ours to answer).
 */
export function parseStreamUrl(requestUrl: string | undefined): StreamUrl | null {
  let url: URL;
  let path: string;
  try {
    url = new URL(requestUrl ?? '/', 'http://binance-api');
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
  return { combined, streams: streams.filter((name) => name !== ''), millisecondTimes: timeUnit === null || MILLISECONDS.has(timeUnit) };
}
