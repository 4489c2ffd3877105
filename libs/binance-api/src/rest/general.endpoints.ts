import { RawExchangeInfoSymbol } from '@binance-rates/binance';
import { BinanceApiErrors } from '@binance-rates/domain';
import { MarketDataService } from '../market/market-data.service';
import { BinanceEndpoint } from './binance-endpoint';
import { RequestParams } from './request-params';

export const pingEndpoint: BinanceEndpoint = { weight: () => 1, handle: () => '{}' };

export const timeEndpoint: BinanceEndpoint = { weight: () => 1, handle: () => `{"serverTime":${Date.now()}}` };

/** The symbols a request names (`symbol` or `symbols`), each one we serve, else -1121; null when it names none. */
export function servedSelection(params: RequestParams, market: MarketDataService): string[] | null {
  const selection = params.symbolSelection();
  if (selection?.some((symbol) => !market.isServed(symbol))) {
    throw BinanceApiErrors.invalidSymbol();
  }
  return selection;
}

/**
 * `GET /api/v3/exchangeInfo` (weight 20): the tracked symbols with Binance's own listing of each (status, precisions,
 * filters, order types, permission sets), as Binance sent it; our own request-weight limit in `rateLimits`.
 * `symbol`/`symbols` name symbols (an untracked one is -1121), `symbolStatus` filters (not with them: -1128),
 * `showPermissionSets=false` empties `permissionSets`, `permissions` is accepted (our symbols are spot ones).
 */
export function exchangeInfoEndpoint(market: MarketDataService, weightLimit: number): BinanceEndpoint {
  return {
    weight: () => 20,
    handle: async (params) => {
      const status = params.symbolStatus();
      const selection = servedSelection(params, market);
      if (selection !== null && (status !== undefined || params.has('permissions'))) {
        throw BinanceApiErrors.badCombination();
      }
      const hidePermissionSets = params.text('showPermissionSets') === 'false';
      const entries = (await market.listingOf(selection ?? market.served()))
        .filter((entry) => status === undefined || entry.status === status)
        .map((entry): RawExchangeInfoSymbol => (hidePermissionSets ? { ...entry, permissionSets: [] } : entry));
      return JSON.stringify({
        timezone: 'UTC',
        serverTime: Date.now(),
        rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: weightLimit }],
        exchangeFilters: [],
        symbols: entries,
      });
    },
  };
}
