import type { ServerResponse } from 'node:http';
import type { PriceChanges, PricePushSink } from '@binance-rates/serving';

/** Unread bytes a client may fall behind by before its stream is ended (prices are coalesced, so this is minutes). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/**
 * How long a client's EventSource waits before it reconnects once its stream ends (an instance stopping): browsers
 * default to 3-5 s of prices missed; behind the proxy the reconnect lands on a running instance.
 */
export const RECONNECT_AFTER_MS = 1_000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // nginx (the compose file's proxy) would otherwise buffer the stream.
  'x-accel-buffering': 'no',
};

/** Server-Sent Events text for one push: a `price` event per symbol, then a `removed` event per symbol no longer tracked. */
export function formatPriceEvents({ prices, removed }: PriceChanges): string {
  let text = '';
  for (const { symbol, price, tradeId, tradeTime } of prices) {
    text += `event: price\ndata: ${JSON.stringify({ symbol, price, tradeId, tradeTime })}\n\n`;
  }
  for (const symbol of removed) {
    text += `event: removed\ndata: ${JSON.stringify({ symbol })}\n\n`;
  }
  return text;
}

export function formatEndEvent(reason: string): string {
  return `event: end\ndata: ${JSON.stringify({ reason })}\n\n`;
}

/** One client's held-open response as a push sink; `onGone` runs once, however the stream ends. */
export class ServerSentPriceStream implements PricePushSink {
  private readonly heartbeat: NodeJS.Timeout;
  private open = true;

  /** `headers`: what the framework set on the reply before it was handed over (CORS). */
  constructor(
    private readonly response: ServerResponse,
    private readonly onGone: () => void,
    headers: Record<string, string | number | string[] | undefined> = {},
  ) {
    const set = Object.entries(headers).filter((entry): entry is [string, string | number | string[]] => entry[1] !== undefined);
    response.writeHead(200, { ...Object.fromEntries(set), ...SSE_HEADERS });
    response.write(`retry: ${RECONNECT_AFTER_MS}\n\n: following\n\n`);
    this.heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    response.once('close', () => this.close());
  }

  send(changes: PriceChanges): void {
    if (this.response.writableLength > MAX_BUFFERED_BYTES) {
      this.end('the client did not read its stream fast enough');
      return;
    }
    this.response.write(formatPriceEvents(changes));
  }

  end(reason: string): void {
    if (this.open) {
      this.response.end(formatEndEvent(reason));
    }
    this.close();
  }

  private close(): void {
    if (!this.open) {
      return;
    }
    this.open = false;
    clearInterval(this.heartbeat);
    this.onGone();
  }
}
