import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig } from '@binance-rates/config';
import {
  CandlesBusyError,
  CandlesWindowTooLargeError,
  HistoryReadsBusyError,
  SymbolNeverTrackedError,
  SymbolNotTrackedError,
} from '@binance-rates/serving';
import { MarketDataService } from '../market/market-data.service';
import { aggTradesEndpoint } from './agg-trades.endpoint';
import { BinanceApiError, BinanceApiErrors } from '@binance-rates/domain';
import { BinanceEndpoint } from './binance-endpoint';
import { exchangeInfoEndpoint, pingEndpoint, timeEndpoint } from './general.endpoints';
import { klinesEndpoint } from './klines.endpoint';
import { RequestParams } from './request-params';
import { RequestWeightLimiter } from './request-weight.limiter';
import { ticker24hrEndpoint, tickerPriceEndpoint } from './ticker.endpoints';

export const BINANCE_REST_PREFIX = '/api/v3';
const JSON_TYPE = 'application/json;charset=UTF-8';

/**
 * `GET /api/v3/...`: Binance's Spot market-data REST over what the service stores. Every answer carries the client's
 * used request weight (`x-mbx-used-weight-1m`); past BINANCE_API_WEIGHT_PER_MINUTE it is 429 with `Retry-After` and
 * -1003, as Binance answers. Errors are Binance's `{"code","msg"}` bodies, never our own format; an unknown path is 404
 * like the project's emulator answers it.
 */
@Injectable()
export class BinanceRestRouter {
  private readonly logger = new Logger(BinanceRestRouter.name);
  private readonly limiter: RequestWeightLimiter;
  private readonly routes: Record<string, BinanceEndpoint>;

  constructor(config: AppConfig, market: MarketDataService) {
    this.limiter = new RequestWeightLimiter(config.binanceApi.weightPerMinute);
    this.routes = {
      '/api/v3/ping': pingEndpoint,
      '/api/v3/time': timeEndpoint,
      '/api/v3/exchangeInfo': exchangeInfoEndpoint(market, config.binanceApi.weightPerMinute),
      '/api/v3/ticker/price': tickerPriceEndpoint(market),
      '/api/v3/ticker/24hr': ticker24hrEndpoint(market),
      '/api/v3/aggTrades': aggTradesEndpoint(market),
      '/api/v3/klines': klinesEndpoint(market),
    };
  }

  /** Whether `url` (path and query) is one of ours to answer: anything under /api/v3. */
  serves(url: string): boolean {
    if (!url.startsWith(BINANCE_REST_PREFIX)) {
      return false;
    }
    const next = url.charAt(BINANCE_REST_PREFIX.length);
    return next === '' || next === '/' || next === '?';
  }

  handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://binance-api');
    const endpoint = request.method === 'GET' || request.method === 'HEAD' ? this.routes[url.pathname] : undefined;
    const params = new RequestParams(url.searchParams);
    const decision = this.limiter.consume(request.socket.remoteAddress ?? '', endpoint?.weight(params) ?? 1, Date.now());
    const headers: Record<string, string | number> = {
      'content-type': JSON_TYPE,
      'x-mbx-used-weight': decision.usedWeight,
      'x-mbx-used-weight-1m': decision.usedWeight,
    };
    const answer = async (): Promise<string> => {
      if (decision.retryAfterSec > 0) {
        throw BinanceApiErrors.tooMuchWeight(this.limiter.limit, decision.retryAfterSec);
      }
      if (endpoint === undefined) {
        throw BinanceApiErrors.notFound();
      }
      return endpoint.handle(params);
    };
    answer().then(
      (body) => send(response, 200, headers, body),
      (error: unknown) => {
        const failure = this.toBinanceError(error, request.url);
        if (failure.retryAfterSec !== undefined) {
          headers['retry-after'] = failure.retryAfterSec;
        }
        send(response, failure.status, headers, failure.body);
      },
    );
  }

  /** Our own errors in Binance's words: busy readers are -1008, a store that did not answer -1001; never a 500. */
  private toBinanceError(error: unknown, url: string | undefined): BinanceApiError {
    if (error instanceof BinanceApiError) {
      return error;
    }
    if (error instanceof SymbolNotTrackedError || error instanceof SymbolNeverTrackedError) {
      return BinanceApiErrors.invalidSymbol();
    }
    if (error instanceof HistoryReadsBusyError || error instanceof CandlesBusyError || error instanceof CandlesWindowTooLargeError) {
      return BinanceApiErrors.serverBusy();
    }
    this.logger.warn(`GET ${url} failed: ${(error as Error).message}`);
    return BinanceApiErrors.internal();
  }
}

function send(response: ServerResponse, status: number, headers: Record<string, string | number>, body: string): void {
  if (response.headersSent) {
    return;
  }
  headers['content-length'] = Buffer.byteLength(body);
  response.writeHead(status, headers);
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
