import type { OpenAPIObject } from '@nestjs/swagger';

type Schema = Record<string, unknown>;
type Parameter = { name: string; required?: boolean; description: string; schema: Schema };

const TAG = 'Binance-compatible market data';
const decimal = { type: 'string', description: 'decimal with 8 places', example: '0.01634790' };
const errorBody = {
  type: 'object',
  properties: { code: { type: 'integer', example: -1121 }, msg: { type: 'string', example: 'Invalid symbol.' } },
  required: ['code', 'msg'],
};

const symbol: Parameter = { name: 'symbol', description: 'A tracked symbol, upper case (e.g. BTCUSDT)', schema: { type: 'string' } };
const symbols: Parameter = {
  name: 'symbols',
  description: 'Tracked symbols as a JSON array, e.g. ["BTCUSDT","ETHUSDT"]; not with `symbol`',
  schema: { type: 'string' },
};
const symbolStatus: Parameter = { name: 'symbolStatus', description: 'Only symbols with this status at Binance', schema: { enum: ['TRADING', 'HALT', 'BREAK'] } };
const time = (name: string, description: string): Parameter => ({ name, description, schema: { type: 'integer', format: 'int64' } });
const limit = (fallback: number): Parameter => ({
  name: 'limit',
  description: `Default ${fallback}, at most 1000 (more is capped)`,
  schema: { type: 'integer', minimum: 1, maximum: 1000, default: fallback },
});

const aggTradeRow = {
  type: 'object',
  properties: {
    a: { type: 'integer', description: 'aggregate trade id' },
    p: decimal,
    q: decimal,
    f: { type: 'integer', description: 'first trade id' },
    l: { type: 'integer', description: 'last trade id' },
    T: { type: 'integer', description: 'trade time, epoch ms' },
    m: { type: 'boolean', description: 'the buyer was the maker' },
    M: { type: 'boolean', description: 'always true' },
  },
};
const klineRow = {
  type: 'array',
  description:
    'One kline: [open time, open, high, low, close, volume, close time, quote volume, number of trades (raw fills), taker buy base volume, taker buy quote volume, "0" (unused)]',
  example: [1499040000000, '0.01634790', '0.80000000', '0.01575800', '0.01577100', '148976.11427815', 1499644799999, '2434.19055334', 308, '1756.87402397', '28.46694368', '0'],
  items: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
  minItems: 12,
  maxItems: 12,
};
const tickerPrice = { type: 'object', properties: { symbol: { type: 'string' }, price: decimal } };
const dayTickerFields = ['priceChange', 'weightedAvgPrice', 'prevClosePrice', 'lastPrice', 'lastQty', 'bidPrice', 'bidQty', 'askPrice', 'askQty', 'openPrice', 'highPrice', 'lowPrice', 'volume', 'quoteVolume'];
const dayTicker = {
  type: 'object',
  description: 'FULL; MINI has symbol, openPrice, highPrice, lowPrice, lastPrice, volume, quoteVolume, openTime, closeTime, firstId, lastId, count',
  properties: {
    symbol: { type: 'string' },
    priceChangePercent: { type: 'string', example: '-1.250' },
    ...Object.fromEntries(dayTickerFields.map((field) => [field, decimal])),
    openTime: { type: 'integer' },
    closeTime: { type: 'integer' },
    firstId: { type: 'integer', description: 'first raw trade id of the window, -1 when none' },
    lastId: { type: 'integer' },
    count: { type: 'integer', description: 'raw trades in the window' },
  },
};
const oneOrMany = (item: Schema): Schema => ({ oneOf: [item, { type: 'array', items: item }] });

function operation(operationId: string, summary: string, description: string, weight: string, parameters: Parameter[], body: Schema): Record<string, unknown> {
  return {
    get: {
      operationId,
      tags: [TAG],
      summary,
      description: `${description}\n\nRequest weight: ${weight}.`,
      parameters: parameters.map((parameter) => ({ in: 'query', required: false, ...parameter })),
      responses: {
        200: {
          description: 'Binance’s JSON; every answer carries `x-mbx-used-weight-1m`, the weight used this minute',
          headers: { 'x-mbx-used-weight-1m': { schema: { type: 'integer' } } },
          content: { 'application/json': { schema: body } },
        },
        400: { description: 'Binance’s error codes: -1121 untracked symbol, -1100, -1102, -1120, -1128, -1130, ...', content: { 'application/json': { schema: errorBody } } },
        404: { description: 'An endpoint not served: -1000 "Not found."', content: { 'application/json': { schema: errorBody } } },
        429: { description: '-1003: past BINANCE_API_WEIGHT_PER_MINUTE; `Retry-After` in seconds', content: { 'application/json': { schema: errorBody } } },
        503: { description: '-1008 history readers busy, or -1001 a store did not answer; retry', content: { 'application/json': { schema: errorBody } } },
      },
    },
  };
}

/**
 * The REST part of the Binance-compatible API in OpenAPI terms, added to the service's own document. The routes are
 * answered before the framework's router (see installBinanceApi), so they are described here by hand.
 */
export function addBinanceApiToOpenApi(document: OpenAPIObject): OpenAPIObject {
  const paths: Record<string, unknown> = {
    '/api/v3/ping': operation('binancePing', 'Test connectivity', 'Answers `{}`.', '1', [], { type: 'object' }),
    '/api/v3/time': operation('binanceTime', 'Server time', 'Answers `{"serverTime": <epoch ms>}`.', '1', [], {
      type: 'object',
      properties: { serverTime: { type: 'integer' } },
    }),
    '/api/v3/exchangeInfo': operation('binanceExchangeInfo', 
      'Exchange information of the tracked symbols',
      'The tracked symbols with Binance’s own listing of each (status, precisions, filters, permission sets); `rateLimits` holds this service’s request-weight limit.',
      '20',
      [symbol, symbols, symbolStatus, { name: 'showPermissionSets', description: 'false empties permissionSets', schema: { type: 'boolean' } }, { name: 'permissions', description: 'Accepted; not with symbol/symbols', schema: { type: 'string' } }],
      { type: 'object', properties: { timezone: { type: 'string' }, serverTime: { type: 'integer' }, rateLimits: { type: 'array' }, exchangeFilters: { type: 'array' }, symbols: { type: 'array' } } },
    ),
    '/api/v3/ticker/price': operation('binanceTickerPrice', 
      'Latest price',
      'One object for `symbol`, an array otherwise (every tracked symbol when neither `symbol` nor `symbols` is sent). "0.00000000" before a symbol’s first trade.',
      '2 for one symbol, 4 otherwise',
      [symbol, symbols, symbolStatus],
      oneOrMany(tickerPrice),
    ),
    '/api/v3/ticker/24hr': operation('binanceTicker24hr', 
      'Rolling 24-hour statistics',
      'From the stored 1-minute candles: the window opens on the minute holding now − 24 h. No order book is kept, so bid and ask are "0.00000000".',
      '2 for one symbol or up to 20 named, 40 up to 100, 80 beyond or for all',
      [symbol, symbols, symbolStatus, { name: 'type', description: 'FULL (default) or MINI', schema: { enum: ['FULL', 'MINI'] } }],
      oneOrMany(dayTicker),
    ),
    '/api/v3/aggTrades': operation('binanceAggTrades', 
      'Aggregate trades from the stored history',
      '`fromId` pages by id, `startTime` (and `endTime`) by time, only `endTime` gives the newest up to it, none the newest; `fromId` with a time is -1128.',
      '4',
      [{ ...symbol, required: true }, time('fromId', 'First aggregate id, inclusive'), time('startTime', 'Epoch ms, inclusive'), time('endTime', 'Epoch ms, inclusive'), limit(500)],
      { type: 'array', items: aggTradeRow },
    ),
    '/api/v3/klines': operation('binanceKlines', 
      'Klines (candlesticks) from the stored candles',
      'Klines are keyed by open time: `startTime` gives the first `limit` opening at or after it, otherwise the last `limit` opening at or before `endTime` (or now). ' +
        'Every interval from the first stored trade to the current one is a kline; one without trades shows the previous close and no volume, as Binance shows a quiet market. ' +
        '`startTime` after `endTime` answers `[]`. `timeZone` moves interval boundaries to that clock (days at local midnight, weeks on local Mondays, months on the local 1st); `startTime` and `endTime` stay UTC.',
      '2',
      [
        { ...symbol, required: true },
        { name: 'interval', required: true, description: 'Kline interval, case-sensitive; -1120 when unknown', schema: { enum: ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'] } },
        time('startTime', 'Epoch ms (UTC): first kline opening at or after it'),
        time('endTime', 'Epoch ms (UTC): last kline opening at or before it'),
        { name: 'timeZone', description: 'Hours or hours:minutes, -12:00 to +14:00 (e.g. 8, -1:00, 05:45; a plus sign as %2B); default 0 (UTC); -1130 otherwise', schema: { type: 'string', default: '0' } },
        limit(500),
      ],
      { type: 'array', items: klineRow },
    ),
  };
  return { ...document, paths: { ...document.paths, ...paths } as OpenAPIObject['paths'], tags: [...(document.tags ?? []), { name: TAG, description: 'Binance’s Spot market-data REST (`/api/v3`) over the stored data; streams on `/ws` and `/stream`' }] };
}
