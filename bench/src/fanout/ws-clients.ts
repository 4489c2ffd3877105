import WebSocket from 'ws';
import { ClientTally, runClientFleet } from '../fleet/client-fleet';

/**
 * Binance-protocol stream clients for the bench, in their own process (argv: the service's WebSocket base URL; the
 * fleet in `client-fleet.ts`). Each client is one `/stream?streams=<s1>@aggTrade/…` connection that parses every
 * event and notes how long after the trade (`T`) it arrived, through the service and the cluster's trade feed. A
 * close by the service counts as ended, with its close code and reason (e.g. 1008 for one too far behind).
 */

const baseUrl = process.argv[2];

function connect(symbols: string[], tally: ClientTally): Promise<(() => void) | null> {
  return new Promise((resolve) => {
    const streams = symbols.map((symbol) => `${symbol.toLowerCase()}@aggTrade`).join('/');
    const ws = new WebSocket(`${baseUrl}/stream?streams=${streams}`, { perMessageDeflate: false });
    ws.on('open', () => resolve(() => ws.terminate()));
    ws.on('message', (data: Buffer) => {
      const receivedAt = Date.now();
      tally.received(data.length);
      const event = JSON.parse(data.toString()) as { data: { T: number } };
      tally.event(event.data.T, receivedAt);
    });
    ws.on('unexpected-response', () => resolve(null));
    ws.on('error', () => resolve(null));
    ws.on('close', (code: number, reason: Buffer) => {
      tally.ended();
      tally.endReason(`${code} ${reason.toString()}`);
    });
  });
}

runClientFleet({ connect });
