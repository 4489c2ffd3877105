import { CANDLE_INTERVAL_NAMES, type CandleIntervalName, TradeRunBatch, candleWindow } from '@binance-rates/domain';
import { parseDay } from '@binance-rates/emulator';
import {
  BLOCK_TRADES,
  CandleRepository,
  CandleRollupRepository,
  CandleRollupWriter,
  DatabaseClient,
  HistoryCompactor,
  TradeBlockPartitions,
  TradeHistoryWriter,
  TradeRepository,
  applyMigrations,
  planBlocks,
} from '@binance-rates/storage';
import { databaseUrl, testConfig } from '@binance-rates/testing';
import type { BenchConfig } from '../bench.config';
import { BenchDatabase } from '../clients/bench-database';
import { archiveDayTrades, listingOf } from '../history/archive-trades';

/** A day of each, at about Binance's own daily aggregate-trade counts for them (BTCUSDT 1–2 M). */
const REALISTIC_DAY: ReadonlyArray<[symbol: string, tradesPerDay: number]> = [
  ['BTCUSDT', 1_500_000],
  ['ETHUSDT', 800_000],
  ['SOLUSDT', 300_000],
  ['XRPUSDT', 200_000],
  ['SHIBUSDT', 100_000],
  ['C001USDT', 20_000],
];
const DAY_MS = 86_400_000;
/** Trades per write when filling the history: a live batch (HISTORY_BATCH_SIZE) of one symbol. */
const WRITE_TRADES = 5_000;

export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
}

export interface HistoryResult {
  realistic: {
    trades: number;
    symbols: number;
    /** Heap, indexes and TOAST of trade_run, trade_block (every partition) and trade_watermark, after compaction. */
    bytes: number;
    bytesPerTrade: number;
    blocks: number;
    /** The same day's 1m candles (candle_1m), which are kept beside the trades. */
    candleBytes: number;
    writeTradesPerSecond: number;
  };
  year: {
    trades: number;
    days: number;
    candles: Array<{ interval: CandleIntervalName } & LatencyFigures>;
    pageById: LatencyFigures;
    pageByTime: LatencyFigures;
  };
}

/**
 * Part 8, what history costs to keep and read, measured on the storage code directly (no service): bytes per trade of
 * a realistic day of six symbols written as live runs and compacted; then a year of one symbol written as blocks with
 * its candles rolled up, and reads over it: 1,000 candles of every interval ending now, pages of 1,000 trades.
 */
export async function runHistory(config: BenchConfig, log: (message: string) => void, register: (database: BenchDatabase) => void): Promise<HistoryResult> {
  const realistic = await measureRealisticDay(config, log, register);
  const year = await measureYear(config, log, register);
  return { realistic, year };
}

async function openDatabase(config: BenchConfig, label: string, register: (database: BenchDatabase) => void) {
  const database = new BenchDatabase(config.postgresUrl, `rates_bench_${config.runId}_${label}`);
  register(database);
  const url = databaseUrl(database.name, config.postgresUrl);
  await applyMigrations({ databaseUrl: url });
  const db = new DatabaseClient(testConfig({ database: { url, poolSize: 4, statementTimeoutMs: 600_000, callTimeoutMs: 900_000 } }));
  const partitions = new TradeBlockPartitions(db);
  return { db, partitions, writer: new TradeHistoryWriter(db, partitions, new CandleRollupWriter()) };
}

async function measureRealisticDay(config: BenchConfig, log: (message: string) => void, register: (database: BenchDatabase) => void): Promise<HistoryResult['realistic']> {
  const { db, partitions, writer } = await openDatabase(config, 'history_day', register);
  try {
    const day = parseDay('2024-06-03') as number;
    let trades = 0;
    const started = performance.now();
    for (const [symbol, tradesPerDay] of REALISTIC_DAY) {
      const batch = new TradeRunBatch();
      for (const chunk of archiveDayTrades(listingOf(symbol), day, tradesPerDay)) {
        for (const trade of chunk) {
          batch.append(trade);
          if (batch.count === WRITE_TRADES) {
            trades += await writer.store(batch.seal());
          }
        }
      }
      trades += await writer.store(batch.seal());
    }
    const writeSeconds = (performance.now() - started) / 1000;
    await new HistoryCompactor(db, partitions).compactBefore((day + 1) * DAY_MS + 3_600_000);
    await db.pool.query('VACUUM ANALYZE trade_run');
    await db.pool.query('VACUUM ANALYZE trade_block');
    const { rows } = await db.pool.query<{ bytes: string; candle_bytes: string; blocks: string }>(
      `SELECT (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
                WHERE c.relkind = 'r' AND (c.relname IN ('trade_run', 'trade_watermark') OR c.relname LIKE 'trade\\_block\\_y%')) AS bytes,
              pg_total_relation_size('candle_1m') AS candle_bytes,
              (SELECT count(*) FROM trade_block) AS blocks`,
    );
    const bytes = Number(rows[0].bytes);
    log(`  history: ${trades} realistic trades of ${REALISTIC_DAY.length} symbols, ${(bytes / trades).toFixed(2)} bytes per trade after compaction`);
    return {
      trades,
      symbols: REALISTIC_DAY.length,
      bytes,
      bytesPerTrade: bytes / trades,
      blocks: Number(rows[0].blocks),
      candleBytes: Number(rows[0].candle_bytes),
      writeTradesPerSecond: trades / writeSeconds,
    };
  } finally {
    await db.close();
  }
}

async function measureYear(config: BenchConfig, log: (message: string) => void, register: (database: BenchDatabase) => void): Promise<HistoryResult['year']> {
  const { db, writer } = await openDatabase(config, 'history_year', register);
  try {
    const listing = listingOf('BTCUSDT');
    const lastDay = parseDay('2024-12-31') as number;
    const days = config.historyDays;
    const started = performance.now();
    let trades = 0;
    for (let day = lastDay - days + 1; day <= lastDay; day += 1) {
      const batch = new TradeRunBatch();
      for (const chunk of archiveDayTrades(listing, day, config.historyTradesPerDay)) {
        chunk.forEach((trade) => batch.append(trade));
      }
      trades += await writer.store(planBlocks(batch.seal(), BLOCK_TRADES), 'block');
    }
    log(`  history: a year of BTCUSDT, ${trades} trades as blocks in ${((performance.now() - started) / 1000).toFixed(0)} s; rolling candles up`);
    await new CandleRollupRepository(db).rollUp();
    await db.pool.query('ANALYZE');
    const now = (lastDay + 1) * DAY_MS - 1;
    const repository = new CandleRepository(db, new TradeRepository(db));
    const candles: HistoryResult['year']['candles'] = [];
    for (const interval of CANDLE_INTERVAL_NAMES) {
      const window = candleWindow({ interval, limit: 1_000, now });
      const latency = await measure(config.historyReads, () => repository.findCandles({ symbol: 'BTCUSDT', interval, ...window, timeoutMs: 60_000 }));
      candles.push({ interval, ...latency });
    }
    const trades$ = new TradeRepository(db);
    // A page costs about a millisecond: ten times the candle reads, so its p99 is not the single slowest call.
    const pageReads = config.historyReads * 10;
    const firstId = listing.firstAggIdOfDay(lastDay - days + 1, config.historyTradesPerDay);
    const pageById = await measure(pageReads, () =>
      trades$.findTrades({ symbol: 'BTCUSDT', fromId: firstId + Math.floor(Math.random() * (trades - 1_000)), limit: 1_000 }),
    );
    const pageByTime = await measure(pageReads, () =>
      trades$.findTrades({ symbol: 'BTCUSDT', startTime: (lastDay - days + 1) * DAY_MS + Math.floor(Math.random() * (days - 1) * DAY_MS), limit: 1_000 }),
    );
    const worst = candles.reduce((a, b) => (b.p99Ms > a.p99Ms ? b : a));
    log(`  history: candles p99 worst ${worst.p99Ms.toFixed(1)} ms (${worst.interval}); pages by id p99 ${pageById.p99Ms.toFixed(1)} ms, by time ${pageByTime.p99Ms.toFixed(1)} ms`);
    return { trades, days, candles, pageById, pageByTime };
  } finally {
    await db.close();
  }
}

/** `count` sequential calls after two warm-up calls: p50 and p99 in ms. */
async function measure(count: number, call: () => Promise<unknown>): Promise<LatencyFigures> {
  await call();
  await call();
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (share: number) => samples[Math.min(samples.length - 1, Math.floor(share * samples.length))] as number;
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}
