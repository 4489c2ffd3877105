import { ListedSymbol, rankListed } from './symbol-listing.service';

function listed(symbol: string, status = 'TRADING'): ListedSymbol {
  return { symbol, status, baseAsset: symbol.slice(0, 3), quoteAsset: symbol.slice(3) };
}

describe('rankListed', () => {
  const all = [listed('ETHBTC'), listed('BTCUSDT'), listed('BTCEUR', 'BREAK'), listed('WBTCBTC'), listed('BTCBUSD'), listed('BNBUSDT')];

  it('puts names starting with the search before names containing it, trading ones first, then by name', () => {
    expect(rankListed({ listed: all, prefix: 'BTC', limit: 10 }).map((entry) => entry.symbol)).toEqual(['BTCBUSD', 'BTCUSDT', 'BTCEUR', 'ETHBTC', 'WBTCBTC']);
  });

  it('keeps to the limit, and lists every symbol for an empty search', () => {
    expect(rankListed({ listed: all, prefix: 'BTC', limit: 2 }).map((entry) => entry.symbol)).toEqual(['BTCBUSD', 'BTCUSDT']);
    expect(rankListed({ listed: all, prefix: '', limit: 100 })).toHaveLength(all.length);
    expect(rankListed({ listed: all, prefix: 'XYZ', limit: 100 })).toEqual([]);
  });
});
