import { request } from 'node:http';
import { ClientTally, runClientFleet } from '../fleet/client-fleet';

/**
 * Live-push clients for the bench, in their own process (argv: the service's base URL; the fleet in
 * `client-fleet.ts`). Each client is one `GET /api/currencies/stream?symbols=…` connection that parses every event it
 * receives and, for each `price` event, notes how long after the trade it arrived (push interval included).
 */

const baseUrl = process.argv[2];

function onEvents(text: string, receivedAt: number, tally: ClientTally): void {
  for (let at = text.indexOf('event: '); at !== -1; at = text.indexOf('event: ', at + 1)) {
    const lineEnd = text.indexOf('\n', at);
    const name = text.slice(at + 'event: '.length, lineEnd);
    const dataEnd = text.indexOf('\n', lineEnd + 1);
    const data = JSON.parse(text.slice(lineEnd + 1 + 'data: '.length, dataEnd)) as { tradeTime?: number; reason?: string };
    if (name === 'price' && data.tradeTime !== undefined) {
      tally.event(data.tradeTime, receivedAt);
    } else if (name === 'end') {
      tally.endReason(data.reason ?? 'no reason');
    }
  }
}

function connect(symbols: string[], tally: ClientTally): Promise<(() => void) | null> {
  return new Promise((resolve) => {
    const url = new URL('/api/currencies/stream', baseUrl);
    url.searchParams.set('symbols', symbols.join(','));
    let responded = false;
    const req = request(url, { agent: false }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        resolve(null);
        return;
      }
      responded = true;
      let pending = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        tally.received(Buffer.byteLength(chunk));
        const text = pending + chunk;
        const complete = text.lastIndexOf('\n\n');
        if (complete === -1) {
          pending = text;
          return;
        }
        pending = text.slice(complete + 2);
        onEvents(text.slice(0, complete + 2), Date.now(), tally);
      });
      response.once('end', () => tally.ended());
      resolve(() => req.destroy());
    });
    req.on('error', () => {
      if (responded) tally.ended();
      else resolve(null);
    });
    req.end();
  });
}

runClientFleet({ connect });
