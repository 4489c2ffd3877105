import { pro } from 'ccxt';

/**
 * The peer: ccxt's binance `watchTradesForSymbols` on the aggTrade stream, receive only (no storage), in its own
 * process. Forked with an IPC channel; argv: restBaseUrl wsBaseUrl SYMBOL,SYMBOL,… (exchange ids).
 * Counts every trade message ccxt parses (its handleTrade) and every trade the watch loop gets back.
 * Messages: parent {type:'count'} → {type:'count', parsed, returned, errors, lastError}; {type:'stop'} closes it.
 */
async function main(): Promise<void> {
  const [restBaseUrl, wsBaseUrl, symbolList] = process.argv.slice(2);
  const exchange = new pro.binance({
    urls: { api: { public: `${restBaseUrl}/api/v3`, ws: { spot: `${wsBaseUrl}/ws` } } },
    options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
  });
  await exchange.loadHttpProxyAgent();
  await exchange.loadMarkets();
  const symbols = symbolList.split(',').map((id) => exchange.safeSymbol(id, undefined, undefined, 'spot'));
  let parsed = 0;
  let returned = 0;
  let errors = 0;
  let lastError = '';
  const handleTrade = exchange.handleTrade.bind(exchange);
  exchange.handleTrade = (...args: Parameters<typeof handleTrade>) => {
    parsed += 1;
    return handleTrade(...args);
  };
  process.on('message', (message: { type: string }) => {
    if (message.type === 'count') {
      process.send?.({ type: 'count', parsed, returned, errors, lastError });
    } else if (message.type === 'stop') {
      void exchange.close().finally(() => process.exit(0));
    }
  });
  process.stdout.write(`${JSON.stringify({ event: 'ready', symbols: symbols.length })}\n`);
  for (;;) {
    try {
      const trades = await exchange.watchTradesForSymbols(symbols, undefined, undefined, { name: 'aggTrade' });
      returned += trades.length;
    } catch (error) {
      // A dropped connection (e.g. cut as a slow consumer): count it, and the next call reconnects.
      errors += 1;
      lastError = String(error);
    }
  }
}

main().catch((error: Error) => {
  process.stderr.write(`ccxt receiver failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
