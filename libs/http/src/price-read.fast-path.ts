import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { CorsPolicy } from './cors-policy';
import { SymbolsController } from './symbols.controller';
import { HttpExceptionFilter } from './http-exception.filter';
import { ParseSymbolPipe } from './symbol.pipe';

const PREFIX = '/api/currency/';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The hottest read, `GET /api/currency/{symbol}`, answered at the HTTP server before Fastify and Nest see it: the
 * same controller method, the same symbol pipe and the same error bodies, without the per-request routing, hook
 * and pipe machinery, which costs several times the in-memory lookup itself. Every other request (other methods,
 * sub-paths such as `/trades`, undecodable parameters) goes to the framework unchanged.
 */
export function installPriceReadFastPath(server: Server, controller: SymbolsController, filter: HttpExceptionFilter, cors: CorsPolicy): void {
  const pipe = new ParseSymbolPipe();
  const frameworkListeners = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const param = request.method === 'GET' ? symbolParam(request.url ?? '') : null;
    if (param === null) {
      for (const listener of frameworkListeners) listener.call(server, request, response);
      return;
    }
    let statusCode = 200;
    let body: unknown;
    try {
      body = controller.get(pipe.transform(param));
    } catch (error) {
      const errorBody = filter.toBody(error, { method: request.method, url: request.url });
      statusCode = errorBody.statusCode;
      body = errorBody;
    }
    const payload = JSON.stringify(body);
    const headers = { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(payload) };
    response.writeHead(statusCode, cors.enabled ? { ...headers, ...cors.headersFor(request.headers.origin) } : headers);
    response.end(payload);
  });
}

/** The decoded `{symbol}` of `/api/currency/{symbol}[?query]`, or null when the URL is anything else. */
function symbolParam(url: string): string | null {
  if (!url.startsWith(PREFIX)) {
    return null;
  }
  const queryAt = url.indexOf('?', PREFIX.length);
  const raw = url.slice(PREFIX.length, queryAt === -1 ? undefined : queryAt);
  if (raw.length === 0 || raw.includes('/')) {
    return null;
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
