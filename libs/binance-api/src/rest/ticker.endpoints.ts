import { MarketDataService } from '../market/market-data.service';
import { fixed8 } from '../market/decimal8';
import { DayTicker, dayTicker } from '../market/day-ticker';
import { BinanceApiErrors } from '@binance-rates/domain';
import { BinanceEndpoint } from './binance-endpoint';
import { servedSelection } from './general.endpoints';
import { RequestParams } from './request-params';

/**
 * The symbols a ticker request covers: those named (`symbol`/`symbols`) or every tracked one, narrowed to
 * `symbolStatus` when it is given (Binance's listing says each symbol's status). A single `symbol` whose status does
 * not match is -1220; in a list, it is left out.
 */
async function tickerSymbols(params: RequestParams, market: MarketDataService): Promise<{ symbols: string[]; single: boolean }> {
  const status = params.symbolStatus();
  const selection = servedSelection(params, market);
  const single = params.has('symbol');
  let symbols = selection ?? [...market.served()];
  if (status !== undefined) {
    const statuses = new Map((await market.listingOf(symbols)).map((entry) => [entry.symbol, entry.status]));
    if (single && statuses.get(symbols[0]) !== status) {
      throw BinanceApiErrors.statusMismatch();
    }
    symbols = symbols.filter((symbol) => statuses.get(symbol) === status);
  }
  return { symbols, single };
}

/** How many symbols a `symbols` parameter names, for the weight (0 when it cannot be read: the request fails anyway). */
function countNamed(params: RequestParams): number {
  try {
    return params.symbolSelection()?.length ?? 0;
  } catch {
    return 0;
  }
}

/**
 * `GET /api/v3/ticker/price` (weight 2 for one symbol, 4 otherwise): each symbol's latest price, from memory. A
 * tracked symbol without a trade yet has "0.00000000", as Binance shows a symbol listed but not yet traded.
 */
export function tickerPriceEndpoint(market: MarketDataService): BinanceEndpoint {
  return {
    weight: (params) => (params.has('symbol') ? 2 : 4),
    handle: async (params) => {
      const { symbols, single } = await tickerSymbols(params, market);
      const price = (symbol: string) => {
        const latest = market.latestPrice(symbol);
        return `{"symbol":"${symbol}","price":"${latest === null ? '0.00000000' : fixed8(latest.price)}"}`;
      };
      return single ? price(symbols[0]) : `[${symbols.map(price).join(',')}]`;
    },
  };
}

/**
 * `GET /api/v3/ticker/24hr` (weight 2 for one symbol or up to 20 named, 40 up to 100, 80 beyond or for all): the
 * rolling 24-hour statistics of each symbol from its stored 1-minute candles, `type` FULL (default) or MINI. Symbols
 * are computed one after the other, so asking for all of them never takes more than one history reader.
 */
export function ticker24hrEndpoint(market: MarketDataService): BinanceEndpoint {
  return {
    weight: (params) => {
      if (params.has('symbol')) return 2;
      const named = countNamed(params);
      return named === 0 ? 80 : named <= 20 ? 2 : named <= 100 ? 40 : 80;
    },
    handle: async (params) => {
      const type = params.text('type') ?? 'FULL';
      if (type !== 'FULL' && type !== 'MINI') {
        throw BinanceApiErrors.invalidTickerType();
      }
      const { symbols, single } = await tickerSymbols(params, market);
      const now = Date.now();
      const tickers: string[] = [];
      for (const symbol of symbols) {
        tickers.push(formatDayTicker(await dayTicker(market, symbol, now), type));
      }
      return single ? tickers[0] : `[${tickers.join(',')}]`;
    },
  };
}

/** Binance's field order for each type (rest-api.md, "24hr ticker price change statistics"). */
function formatDayTicker(ticker: DayTicker, type: 'FULL' | 'MINI'): string {
  if (type === 'MINI') {
    return JSON.stringify({
      symbol: ticker.symbol,
      openPrice: ticker.openPrice,
      highPrice: ticker.highPrice,
      lowPrice: ticker.lowPrice,
      lastPrice: ticker.lastPrice,
      volume: ticker.volume,
      quoteVolume: ticker.quoteVolume,
      openTime: ticker.openTime,
      closeTime: ticker.closeTime,
      firstId: ticker.firstId,
      lastId: ticker.lastId,
      count: ticker.count,
    });
  }
  return JSON.stringify({
    symbol: ticker.symbol,
    priceChange: ticker.priceChange,
    priceChangePercent: ticker.priceChangePercent,
    weightedAvgPrice: ticker.weightedAvgPrice,
    prevClosePrice: ticker.prevClosePrice,
    lastPrice: ticker.lastPrice,
    lastQty: ticker.lastQty,
    // No order book is kept: the best bid and ask are not known.
    bidPrice: '0.00000000',
    bidQty: '0.00000000',
    askPrice: '0.00000000',
    askQty: '0.00000000',
    openPrice: ticker.openPrice,
    highPrice: ticker.highPrice,
    lowPrice: ticker.lowPrice,
    volume: ticker.volume,
    quoteVolume: ticker.quoteVolume,
    openTime: ticker.openTime,
    closeTime: ticker.closeTime,
    firstId: ticker.firstId,
    lastId: ticker.lastId,
    count: ticker.count,
  });
}
