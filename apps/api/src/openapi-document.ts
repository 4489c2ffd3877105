import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_BEARER_SCHEME, API_KEY_HEADER_SCHEME } from '@binance-rates/http';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** What Node.js answers on every route, before any handler, to a request whose headers pass its 16 KiB limit. */
const HEADERS_TOO_LARGE = {
  description: 'The request headers are larger than 16 KiB (Node.js refuses them before any route is reached)',
};

/**
 * The document served at /api-json (and rendered at /api): the routes' own decorators, plus what holds for every
 * route and so is stated here once: where it is served, its licence, that a route not guarded by API_KEYS needs
 * no credentials (`security: []`), and the one client error every route can answer.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('binance-rates')
      .setDescription(
        'Live Binance prices: tracked symbols, their latest price (from Redis) and their full aggregate-trade history (from PostgreSQL). ' +
          'The [live dashboard](/) shows them in the browser.',
      )
      .setVersion('1')
      .setLicense('MIT', 'https://opensource.org/licenses/MIT')
      .addServer('/', 'The instance, or the proxy in front of the instances, that serves this document')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'One of API_KEYS (only when it is set)' }, API_KEY_BEARER_SCHEME)
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same keys as a header' }, API_KEY_HEADER_SCHEME)
      .build(),
  );
  return completeOperations(document);
}

/** Declares `security: []` on every operation that names no scheme, and 431 on every one that declares no 4xx answer. */
export function completeOperations(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      if (!operation) {
        continue;
      }
      operation.security ??= [];
      if (!Object.keys(operation.responses).some((status) => /^4(\d\d|XX)$/.test(status))) {
        operation.responses['431'] = HEADERS_TOO_LARGE;
      }
    }
  }
  return document;
}
