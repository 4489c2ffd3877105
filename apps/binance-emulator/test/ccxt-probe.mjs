// ccxt's CommonJS build requires ESM-only @noble packages, which jest cannot load, so the ccxt side of
// ccxt-compat.int-spec.ts runs in this plain Node process and reports one JSON line.
import ccxt from 'ccxt';

const [restBaseUrl, wsBaseUrl] = process.argv.slice(2);
const exchange = new ccxt.pro.binance({
  urls: { api: { public: `${restBaseUrl}/api/v3`, ws: { spot: `${wsBaseUrl}/ws` } } },
  options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
});
const pick = ({ id, symbol, price, amount, timestamp }) => ({ id, symbol, price, amount, timestamp });

try {
  // ccxt refuses plain ws:// URLs in Node until it has created its http agent.
  await exchange.loadHttpProxyAgent();
  const markets = await exchange.loadMarkets();
  const trades = await exchange.watchTradesForSymbols(['BTC/USDT', 'ETH/USDT']);
  const aggTrades = await exchange.watchTradesForSymbols(['BTC/USDT'], undefined, undefined, { name: 'aggTrade' });
  const fetched = await exchange.fetchTrades('BTC/USDT', undefined, 20);
  process.stdout.write(
    `${JSON.stringify({
      marketCount: Object.keys(markets).length,
      btc: markets['BTC/USDT'],
      haltActive: markets['HALT/USDT']?.active,
      trades: trades.map(pick),
      aggTrades: aggTrades.map(pick),
      fetched: fetched.map(pick),
    })}\n`,
  );
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
} finally {
  await exchange.close();
}
