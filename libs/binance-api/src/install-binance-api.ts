import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { BinanceRestRouter } from './rest/binance-rest.router';
import { BinanceStreamServer } from './streams/binance-stream.server';

/**
 * Puts the Binance-compatible API on the service's HTTP server: `/api/v3/...` answered before the framework sees the
 * request (Binance's bodies and headers, its own weight limit instead of our request limit), and the `/ws` and
 * `/stream` WebSocket upgrades. Install it last, so that it is the outermost request listener.
 */
export function installBinanceApi(server: Server, rest: BinanceRestRouter, streams: BinanceStreamServer): void {
  const inner = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (rest.serves(request.url ?? '')) {
      rest.handle(request, response);
      return;
    }
    for (const listener of inner) listener.call(server, request, response);
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!streams.handleUpgrade(request, socket, head)) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    }
  });
}
