import type { IncomingMessage, ServerResponse } from 'node:http';
import { BinanceApiError, BinanceApiErrors, SYMBOL_RANGE } from '@binance-rates/domain';
import type { SymbolStatus } from '../market/market.types';
import { klineSeries } from '../market/kline-series';
import type { SymbolMarket } from '../market/symbol-market';
import type { StoredAggTrade } from '../market/trade-history';
import { aggTradeRowJson } from '../ws/event-serializer';
import { parseAggTradesQuery } from './agg-trades-query';
import { exchangeInfo } from './exchange-info';
import { parseKlinesQuery } from './klines-query';
import { sendJson } from './http-io';
import { RequestWeightLimiter } from './request-weight-limiter';

const SYMBOL_PATTERN = /^[A-Z0-9\-_.]{1,20}$/;
const STATUSES: readonly string[] = ['TRADING', 'HALT', 'BREAK'];
const SYMBOLS_RANGE = '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$';

interface Route {
  weight: (params: URLSearchParams) => number;
  handle: (params: URLSearchParams) => string;
}

export interface InjectedRestFault {
  status: 429 | 418 | 500;
  retryAfterSec?: number;
}

export interface PublicApiRouterParams {
  markets: Map<string, SymbolMarket>;
  weightLimit: number;
  /** How far REST trails the streams: see `EmulatorOptions.restLagMs`. */
  lagMs: number;
}

/**
 * `GET /api/v3/*`: the public market-data endpoints (rest-api.md, "General endpoints" and "Market Data endpoints"),
 * with weights, 429/418 and injected faults.
 */
export class PublicApiRouter {
  readonly limiter: RequestWeightLimiter;
  requestsServed = 0;
  private weightLimit: number;
  private lagMs: number;
  private readonly markets: Map<string, SymbolMarket>;
  private readonly faults: InjectedRestFault[] = [];
  private readonly routes: Record<string, Route> = {
    '/api/v3/ping': { weight: () => 1, handle: () => '{}' },
    '/api/v3/time': { weight: () => 1, handle: () => `{"serverTime":${Date.now()}}` },
    '/api/v3/exchangeInfo': { weight: () => 20, handle: (params) => this.exchangeInfo(params) },
    '/api/v3/ticker/price': {
      weight: (params) => (params.has('symbol') ? 2 : 4),
      handle: (params) => this.tickerPrice(params),
    },
    '/api/v3/aggTrades': { weight: () => 4, handle: (params) => this.aggTrades(params) },
    '/api/v3/klines': { weight: () => 2, handle: (params) => this.klines(params) },
  };

  constructor({ markets, weightLimit, lagMs }: PublicApiRouterParams) {
    this.markets = markets;
    this.weightLimit = weightLimit;
    this.lagMs = lagMs;
    this.limiter = new RequestWeightLimiter(weightLimit);
  }

  setWeightLimit(limit: number): void {
    this.weightLimit = limit;
    this.limiter.setLimit(limit);
  }

  setLag(ms: number): void {
    this.lagMs = ms;
  }

  /** The next `count` API requests fail with this status and Binance's body for it. */
  injectFaults(count: number, fault: InjectedRestFault): void {
    for (let i = 0; i < count; i++) {
      this.faults.push(fault);
    }
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  handle(request: IncomingMessage, response: ServerResponse, url: URL): void {
    this.requestsServed++;
    const route = request.method === 'GET' ? this.routes[url.pathname] : undefined;
    const weight = route?.weight(url.searchParams) ?? 1;
    const decision = this.limiter.consume(request.socket.remoteAddress ?? 'unknown', weight, Date.now());
    const headers: Record<string, string | number> = {
      'x-mbx-used-weight': decision.usedWeight,
      'x-mbx-used-weight-1m': decision.usedWeight,
    };
    try {
      const fault = this.faults.shift();
      if (fault) {
        throw this.faultError(fault);
      }
      if (decision.error) {
        throw decision.error;
      }
      if (!route) {
        throw BinanceApiErrors.notFound();
      }
      sendJson(response, 200, route.handle(url.searchParams), headers);
    } catch (error) {
      const restError = error instanceof BinanceApiError ? error : BinanceApiErrors.unknown();
      if (restError.retryAfterSec !== undefined) {
        headers['retry-after'] = restError.retryAfterSec;
      }
      sendJson(response, restError.status, restError.body, headers);
    }
  }

  private faultError({ status, retryAfterSec }: InjectedRestFault): BinanceApiError {
    const retryAfter = retryAfterSec ?? (status === 500 ? undefined : 1);
    if (status === 429) {
      return BinanceApiErrors.tooMuchWeight(this.weightLimit, retryAfter ?? 1);
    }
    if (status === 418) {
      return BinanceApiErrors.banned(Date.now() + (retryAfter ?? 1) * 1000, retryAfter ?? 1);
    }
    return BinanceApiErrors.unknown(retryAfter);
  }

  private exchangeInfo(params: URLSearchParams): string {
    const status = parseSymbolStatus(params);
    const selected = this.selectMarkets(params);
    if (selected !== null && status !== undefined) {
      throw BinanceApiErrors.badCombination();
    }
    const markets = (selected ?? [...this.markets.values()]).filter((market) => status === undefined || market.status === status);
    return JSON.stringify(exchangeInfo(markets, params.get('showPermissionSets') !== 'false', this.weightLimit));
  }

  private tickerPrice(params: URLSearchParams): string {
    const status = parseSymbolStatus(params);
    const price = (market: SymbolMarket) => `{"symbol":"${market.symbol}","price":"${market.formatPrice(market.lastPriceTicks)}"}`;
    if (params.has('symbol') && !params.has('symbols')) {
      const [market] = this.selectMarkets(params) ?? [];
      if (status !== undefined && market.status !== status) {
        throw BinanceApiErrors.statusMismatch();
      }
      return price(market);
    }
    const markets = (this.selectMarkets(params) ?? [...this.markets.values()]).filter(
      (market) => status === undefined || market.status === status,
    );
    return `[${markets.map(price).join(',')}]`;
  }

  private aggTrades(params: URLSearchParams): string {
    const query = parseAggTradesQuery(params, (symbol) => this.markets.has(symbol));
    if (query instanceof BinanceApiError) {
      throw query;
    }
    const market = this.markets.get(query.symbol) as SymbolMarket;
    const { history } = market;
    const { fromId, startTime, limit } = query;
    // REST trails the streams: nothing newer than now − lag is served yet (trade times never decrease along ids).
    const servedUntil = this.lagMs > 0 ? Date.now() - this.lagMs : undefined;
    const endTime = servedUntil === undefined ? query.endTime : Math.min(query.endTime ?? servedUntil, servedUntil);
    let rows: StoredAggTrade[];
    if (fromId !== undefined) {
      rows = history.readFromId(fromId, limit);
      const firstUnserved = servedUntil === undefined ? -1 : rows.findIndex((row) => row.tradeTime > servedUntil);
      if (firstUnserved >= 0) {
        rows = rows.slice(0, firstUnserved);
      }
    } else {
      rows = startTime !== undefined || endTime !== undefined ? history.readByTime({ startTime, endTime, limit }) : history.readLatest(limit);
    }
    return `[${rows.map((row) => aggTradeRowJson(market, row)).join(',')}]`;
  }

  /** Klines from the held trades; REST's lag hides the newest trades here too. */
  private klines(params: URLSearchParams): string {
    const query = parseKlinesQuery(params, (symbol) => this.markets.has(symbol));
    if (query instanceof BinanceApiError) {
      throw query;
    }
    return klineSeries(this.markets.get(query.symbol) as SymbolMarket, { ...query, now: Date.now() - this.lagMs });
  }

  /** `symbol` or `symbols` (a JSON array) → markets; null when neither is given. */
  private selectMarkets(params: URLSearchParams): SymbolMarket[] | null {
    const symbol = params.get('symbol');
    const symbols = params.get('symbols');
    if (symbol !== null && symbols !== null) {
      throw BinanceApiErrors.badCombination();
    }
    if (symbol !== null) {
      if (symbol === '') {
        throw BinanceApiErrors.mandatory('symbol');
      }
      if (!SYMBOL_PATTERN.test(symbol)) {
        throw BinanceApiErrors.illegalChars('symbol', SYMBOL_RANGE);
      }
      return [this.requireMarket(symbol)];
    }
    if (symbols !== null) {
      return parseSymbolList(symbols).map((name) => this.requireMarket(name));
    }
    return null;
  }

  private requireMarket(symbol: string): SymbolMarket {
    const market = this.markets.get(symbol);
    if (!market) {
      throw BinanceApiErrors.invalidSymbol();
    }
    return market;
  }
}

function parseSymbolList(text: string): string[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    throw BinanceApiErrors.illegalChars('symbols', SYMBOLS_RANGE);
  }
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && SYMBOL_PATTERN.test(item))) {
    throw BinanceApiErrors.illegalChars('symbols', SYMBOLS_RANGE);
  }
  if (list.length === 0) {
    throw BinanceApiErrors.mandatory('symbols');
  }
  return list as string[];
}

function parseSymbolStatus(params: URLSearchParams): SymbolStatus | undefined {
  const status = params.get('symbolStatus');
  if (status === null) {
    return undefined;
  }
  if (!STATUSES.includes(status)) {
    throw BinanceApiErrors.invalidSymbolStatus();
  }
  return status as SymbolStatus;
}
