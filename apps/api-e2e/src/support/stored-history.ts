import { Client } from 'pg';

/**
 * Stores a symbol's history the service never streamed: `minutes` of trades, `tradesPerMinute` each, ending one id
 * and about a minute before `before` (the emulator's oldest trade of the symbol), so the history stays contiguous with
 * what the service then streams and backfills. Prices walk at random (seeded) back from `before`'s price, so the
 * candles look like a market's. Written as trades were stored a row each (`agg_trade`), before the service starts: it
 * takes that history in at start (storage's legacy conversion), and a symbol added later resumes from its last trade.
 */
export async function storeHistoryBefore({
  databaseUrl,
  symbol,
  before,
  minutes,
  tradesPerMinute,
}: {
  databaseUrl: string;
  symbol: string;
  before: { aggTradeId: number; tradeTime: number; price: string };
  minutes: number;
  tradesPerMinute: number;
}): Promise<void> {
  const count = minutes * tradesPerMinute;
  const random = seeded(7);
  const prices: number[] = new Array(count);
  let price = Number(before.price);
  for (let index = count - 1; index >= 0; index -= 1) {
    price *= 1 + (random() - 0.5) * 0.004;
    prices[index] = price;
  }
  const spacingMs = 60_000 / tradesPerMinute;
  const firstTime = before.tradeTime - 60_000 - (count - 1) * spacingMs;
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    await sql.query(
      `INSERT INTO agg_trade (symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time, is_buyer_maker)
       SELECT $1, $2::bigint + g - 1, price, round((0.01 + g % 7 * 0.013)::numeric, 8), $2::bigint + g - 1, $2::bigint + g - 1,
              to_timestamp(($3::float8 + (g - 1) * $4::float8) / 1000.0), g % 3 = 0
       FROM unnest($5::numeric[]) WITH ORDINALITY AS walk(price, g)`,
      [symbol, before.aggTradeId - count, firstTime, spacingMs, prices.map((value) => value.toFixed(2))],
    );
  } finally {
    await sql.end();
  }
}

/** A small deterministic generator (mulberry32): the same history every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
