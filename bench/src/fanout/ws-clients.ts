import WebSocket from 'ws';

/**
 * Binance-protocol stream clients for the bench, in their own process (forked with an IPC channel; argv: the
 * service's WebSocket base URL). Each client is one `/stream?streams=<s1>@aggTrade/…` connection that parses every
 * event and notes how long after the trade it arrived (the emulator stamps trades with this machine's clock, so
 * receive time - `T` is the delay from trade to client through the service and the cluster's trade feed).
 *
 * Messages: parent {type:'open', follow: string[][]} → {type:'opened', connected, refused}; {type:'sample'} →
 * {type:'sample', ...counters since the previous sample, delay percentiles}; {type:'close'} → {type:'closed'}.
 */

export interface FanoutSample {
  type: 'sample';
  seconds: number;
  events: number;
  bytes: number;
  /** Clients the service closed (with its close code and reason, e.g. 1008 for one too far behind) or that broke. */
  closed: number;
  closeReasons: string[];
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
}

const baseUrl = process.argv[2];
const sockets: WebSocket[] = [];
let delays: number[] = [];
let events = 0;
let bytes = 0;
let closed = 0;
let closeReasons: string[] = [];
let sampledAt = performance.now();
let closing = false;

function open(symbols: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const streams = symbols.map((symbol) => `${symbol.toLowerCase()}@aggTrade`).join('/');
    const ws = new WebSocket(`${baseUrl}/stream?streams=${streams}`, { perMessageDeflate: false });
    ws.on('open', () => {
      sockets.push(ws);
      resolve(true);
    });
    ws.on('message', (data: Buffer) => {
      const receivedAt = Date.now();
      bytes += data.length;
      const event = JSON.parse(data.toString()) as { data: { T: number } };
      events += 1;
      delays.push(receivedAt - event.data.T);
    });
    ws.on('unexpected-response', () => resolve(false));
    ws.on('error', () => resolve(false));
    ws.on('close', (code: number, reason: Buffer) => {
      if (!closing) {
        closed += 1;
        closeReasons.push(`${code} ${reason.toString()}`);
      }
    });
  });
}

function percentile(sorted: Float64Array, share: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

process.on('message', (message: { type: 'open'; follow: string[][] } | { type: 'sample' | 'close' }) => {
  if (message.type === 'open') {
    void (async () => {
      let connected = 0;
      let refused = 0;
      for (let next = 0; next < message.follow.length; next += 20) {
        const results = await Promise.all(message.follow.slice(next, next + 20).map(open));
        connected += results.filter(Boolean).length;
        refused += results.filter((ok) => !ok).length;
      }
      process.send?.({ type: 'opened', connected, refused });
    })();
  } else if (message.type === 'sample') {
    const now = performance.now();
    const sorted = Float64Array.from(delays).sort();
    const sample: FanoutSample = {
      type: 'sample',
      seconds: (now - sampledAt) / 1000,
      events,
      bytes,
      closed,
      closeReasons: [...new Set(closeReasons)],
      delayP50Ms: percentile(sorted, 0.5),
      delayP99Ms: percentile(sorted, 0.99),
      delayMaxMs: percentile(sorted, 1),
    };
    delays = [];
    events = 0;
    bytes = 0;
    closed = 0;
    closeReasons = [];
    sampledAt = now;
    process.send?.(sample);
  } else if (message.type === 'close') {
    closing = true;
    for (const ws of sockets.splice(0)) ws.terminate();
    process.send?.({ type: 'closed' });
  }
});

process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);
