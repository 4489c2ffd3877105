import { IncomingMessage, request } from 'node:http';

/**
 * Live-push clients for the bench, in their own process (forked with an IPC channel; argv: the service's base URL).
 * Each client is one `GET /api/currencies/stream?symbols=…` connection that parses every event it receives and, for
 * each `price` event, notes how long after the trade it arrived (the emulator stamps trades with this machine's
 * clock, so receive time - tradeTime is the delay from trade to client, push interval included).
 *
 * Messages: parent {type:'open', clients, follow: string[][]} → {type:'opened', connected, refused}; {type:'sample'}
 * → {type:'sample', ...counters since the previous sample, lag percentiles}; {type:'close'} → {type:'closed'}.
 */

interface Client {
  response: IncomingMessage | null;
  closeRequest: () => void;
}

interface OpenMessage {
  type: 'open';
  follow: string[][];
}

export interface PushSample {
  type: 'sample';
  seconds: number;
  priceEvents: number;
  bytes: number;
  /** Clients whose stream ended (with the reason the service gave, e.g. falling 1 MiB behind) or broke. */
  ended: number;
  endReasons: string[];
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

const baseUrl = process.argv[2];
const clients: Client[] = [];
let lags: number[] = [];
let priceEvents = 0;
let bytes = 0;
let ended = 0;
let endReasons: string[] = [];
let sampledAt = performance.now();

function onEvents(text: string, receivedAt: number): void {
  for (let at = text.indexOf('event: '); at !== -1; at = text.indexOf('event: ', at + 1)) {
    const lineEnd = text.indexOf('\n', at);
    const name = text.slice(at + 'event: '.length, lineEnd);
    const dataEnd = text.indexOf('\n', lineEnd + 1);
    const data = JSON.parse(text.slice(lineEnd + 1 + 'data: '.length, dataEnd)) as { tradeTime?: number; reason?: string };
    if (name === 'price' && data.tradeTime !== undefined) {
      priceEvents += 1;
      lags.push(receivedAt - data.tradeTime);
    } else if (name === 'end') {
      endReasons.push(data.reason ?? 'no reason');
    }
  }
}

function open(symbols: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const url = new URL('/api/currencies/stream', baseUrl);
    url.searchParams.set('symbols', symbols.join(','));
    const client: Client = { response: null, closeRequest: () => undefined };
    const req = request(url, { agent: false }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        resolve(false);
        return;
      }
      client.response = response;
      clients.push(client);
      let pending = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        bytes += Buffer.byteLength(chunk);
        const text = pending + chunk;
        const complete = text.lastIndexOf('\n\n');
        if (complete === -1) {
          pending = text;
          return;
        }
        pending = text.slice(complete + 2);
        onEvents(text.slice(0, complete + 2), Date.now());
      });
      response.once('end', () => (ended += 1));
      resolve(true);
    });
    client.closeRequest = () => req.destroy();
    req.on('error', () => {
      if (client.response === null) resolve(false);
      else ended += 1;
    });
    req.end();
  });
}

function percentile(sorted: Float64Array, share: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

process.on('message', (message: OpenMessage | { type: 'sample' | 'close' }) => {
  if (message.type === 'open') {
    void (async () => {
      let connected = 0;
      let refused = 0;
      // A few at a time: a burst of hundreds of connects at once would be a different benchmark (accept queue).
      for (let next = 0; next < message.follow.length; next += 20) {
        const results = await Promise.all(message.follow.slice(next, next + 20).map(open));
        connected += results.filter(Boolean).length;
        refused += results.filter((ok) => !ok).length;
      }
      process.send?.({ type: 'opened', connected, refused });
    })();
  } else if (message.type === 'sample') {
    const now = performance.now();
    const sorted = Float64Array.from(lags).sort();
    const sample: PushSample = {
      type: 'sample',
      seconds: (now - sampledAt) / 1000,
      priceEvents,
      bytes,
      ended,
      endReasons: [...new Set(endReasons)],
      lagP50Ms: percentile(sorted, 0.5),
      lagP99Ms: percentile(sorted, 0.99),
      lagMaxMs: percentile(sorted, 1),
    };
    lags = [];
    priceEvents = 0;
    bytes = 0;
    ended = 0;
    endReasons = [];
    sampledAt = now;
    process.send?.(sample);
  } else if (message.type === 'close') {
    for (const client of clients.splice(0)) client.closeRequest();
    process.send?.({ type: 'closed' });
  }
});

process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);
