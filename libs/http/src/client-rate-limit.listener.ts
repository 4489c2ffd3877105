import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ClientRateLimiter, ClientRateLimits } from './client-rate-limiter';
import { CorsPolicy } from './cors-policy';
import type { ErrorBody } from './http-exception.filter';

const JSON_TYPE = 'application/json; charset=utf-8';
const QUESTION_MARK = 0x3f;

export interface ClientRateLimitParams {
  server: Server;
  limits: ClientRateLimits;
  cors: CorsPolicy;
}

/**
 * Limits requests per client (remote address) in front of everything the server answers: the price fast path, which
 * answers before Fastify sees a request, and the framework's routes alike, so one count covers both. A request over
 * the limit gets 429 with `Retry-After` and the API's error body. `/health`, `/health/live`, `/health/ready` and
 * `/metrics` are not counted: they are for orchestrators and scrapers, which must see the service however busy it is.
 * A live push is one request, however long it is held. An allowed request costs a map lookup and some arithmetic:
 * nothing is allocated for it. Install it after the fast path, so it wraps that too.
 */
export function installClientRateLimit({ server, limits, cors }: ClientRateLimitParams): void {
  const limiter = new ClientRateLimiter(limits);
  const body: ErrorBody = {
    statusCode: 429,
    error: 'Too Many Requests',
    message:
      `too many requests from this client: at most ${limits.perSecond} a second after a burst of ${limits.burst} ` +
      '(RATE_LIMIT_PER_SECOND, RATE_LIMIT_BURST); retry after the seconds in Retry-After',
    code: 'RATE_LIMITED',
  };
  const payload = JSON.stringify(body);
  const contentLength = Buffer.byteLength(payload);
  const inner = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '';
    if (!isPath(url, '/health') && !isPath(url, '/health/live') && !isPath(url, '/health/ready') && !isPath(url, '/metrics')) {
      const retryAfterSeconds = limiter.take(request.socket.remoteAddress ?? '', performance.now());
      if (retryAfterSeconds > 0) {
        const headers = { 'content-type': JSON_TYPE, 'content-length': contentLength, 'retry-after': String(retryAfterSeconds) };
        response.writeHead(429, cors.enabled ? { ...headers, ...cors.headersFor(request.headers.origin) } : headers);
        response.end(payload);
        return;
      }
    }
    for (const listener of inner) listener.call(server, request, response);
  });
}

/** Whether `url` is `path`, with or without a query. */
function isPath(url: string, path: string): boolean {
  return url.startsWith(path) && (url.length === path.length || url.charCodeAt(path.length) === QUESTION_MARK);
}
