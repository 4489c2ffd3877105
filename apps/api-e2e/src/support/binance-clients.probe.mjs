// Real Binance clients, unmodified, pointed at a service's Binance-compatible API: ccxt's `binance` (pro) and Binance's
// official `@binance/connector`. ccxt's CommonJS build requires ESM-only packages jest cannot load, so the clients run
// in this plain Node process and report one JSON line. Usage: node binance-clients.probe.mjs '<json options>'
//   { client: 'ccxt' | 'connector', mode: 'rest' | 'ws', baseUrl, wsBaseUrl, symbol: 'BTCUSDT', market: 'BTC/USDT',
//     intervals: ['1s', '1m'], pageBack: 3, pageSize: 3, watchFor: 3 }
import ccxt from 'ccxt';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Spot, WebsocketStream } = require('@binance/connector');
const options = JSON.parse(process.argv[2]);
const { baseUrl, wsBaseUrl, symbol, market } = options;
const deadline = setTimeout(() => finish({ error: 'probe timed out' }), 40_000);

function finish(result) {
  clearTimeout(deadline);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

async function ccxtRest() {
  const exchange = new ccxt.binance({
    urls: { api: { public: `${baseUrl}/api/v3` } },
    options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
  });
  const time = await exchange.fetchTime();
  const markets = await exchange.loadMarkets();
  const ticker = await exchange.fetchTicker(market);
  const trades = await exchange.fetchTrades(market, undefined, 20);
  const tradesSince = await exchange.fetchTrades(market, trades[5].timestamp, 5);
  const ohlcv = {};
  for (const interval of options.intervals) {
    // The newest candles, then pages further back in time, as a chart scrolling left asks for them.
    const pages = [{ since: null, candles: await exchange.fetchOHLCV(market, interval, undefined, options.pageSize) }];
    const step = exchange.parseTimeframe(interval) * 1000;
    for (let page = 1; page < options.pageBack && pages[page - 1].candles.length > 0; page += 1) {
      const since = pages[page - 1].candles[0][0] - options.pageSize * step;
      pages.push({ since, candles: await exchange.fetchOHLCV(market, interval, since, options.pageSize) });
    }
    ohlcv[interval] = pages;
  }
  return { time, market: markets[market], ticker, trades, tradesSince, ohlcv };
}

async function ccxtWs() {
  const exchange = new ccxt.pro.binance({
    urls: { api: { public: `${baseUrl}/api/v3`, ws: { spot: `${wsBaseUrl}/ws` } } },
    options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
  });
  // ccxt refuses plain ws:// URLs in Node until it has created its http agent.
  await exchange.loadHttpProxyAgent();
  await exchange.loadMarkets();
  const trades = [];
  while (trades.length < options.watchFor) {
    trades.push(...(await exchange.watchTrades(market, undefined, undefined, { name: 'aggTrade' })));
  }
  // watchOHLCV answers each update (ccxt's newUpdates): the newest version of each candle, by its open time.
  const candles = new Map();
  while (candles.size < 4) {
    for (const candle of await exchange.watchOHLCV(market, '1s')) candles.set(candle[0], candle);
  }
  await exchange.close();
  return { trades, candles: [...candles.values()] };
}

async function connectorRest() {
  const client = new Spot('', '', { baseURL: baseUrl });
  const data = async (request) => (await request).data;
  const klines = {};
  for (const interval of options.intervals) {
    const pages = [{ endTime: null, rows: await data(client.klines(symbol, interval, { limit: options.pageSize })) }];
    for (let page = 1; page < options.pageBack && pages[page - 1].rows.length > 0; page += 1) {
      const endTime = pages[page - 1].rows[0][0] - 1;
      pages.push({ endTime, rows: await data(client.klines(symbol, interval, { endTime, limit: options.pageSize })) });
    }
    klines[interval] = pages;
  }
  return {
    time: await data(client.time()),
    exchangeInfo: await data(client.exchangeInfo({ symbol })),
    ticker: await data(client.ticker24hr(symbol)),
    miniTicker: await data(client.ticker24hr(symbol, [], 'MINI')),
    price: await data(client.tickerPrice(symbol)),
    aggTrades: await data(client.aggTrades(symbol, { limit: 20 })),
    klines,
    unknown: await client.exchangeInfo({ symbol: 'NOTTRACKED' }).then(
      () => null,
      (error) => ({ status: error.response?.status, data: error.response?.data }),
    ),
  };
}

function connectorWs() {
  return new Promise((resolve) => {
    const events = [];
    const klines = [];
    const stream = new WebsocketStream({
      wsURL: wsBaseUrl,
      combinedStreams: true,
      callbacks: {
        open: () => {
          stream.kline(symbol, '1s');
          stream.kline(symbol, '1m');
        },
        message: (text) => {
          const { data } = JSON.parse(text);
          if (data === undefined) return; // the answer to SUBSCRIBE
          if (data.e === 'aggTrade') events.push(data);
          if (data.e === 'kline') klines.push(data);
          // Until a closed 1s kline with trades: the test checks one against the trades sent (an empty second, as the
          // first one after the stream is seeded can be, proves nothing).
          if (events.length >= options.watchFor && klines.some((kline) => kline.k.x && kline.k.i === '1s' && kline.k.n > 0)) {
            stream.disconnect();
            resolve({ aggTrades: events, klines });
          }
        },
      },
    });
    stream.aggTrade(symbol);
  });
}

const probes = { ccxt: { rest: ccxtRest, ws: ccxtWs }, connector: { rest: connectorRest, ws: connectorWs } };
probes[options.client][options.mode]().then(finish, (error) => finish({ error: String(error?.stack ?? error) }));
