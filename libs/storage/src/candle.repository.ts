import { Injectable } from '@nestjs/common';
import {
  type Candle,
  CandleFold,
  type CandleInterval,
  candleCloseTime,
  candleIntervalName,
  candleIntervalRule,
  type CandlePartialText,
  candlePartialText,
  withEmptyCandles,
} from '@binance-rates/domain';
import type { PoolClient } from 'pg';
import { DatabaseClient } from './database.client';
import { CANDLE_LEVELS, type CandleLevel, mergedCandleColumns } from './candles/candle-levels';
import { ROLLUP_LOOKBACK_MS } from './candles/candle-rollup.timing';
import { PgErrorCode, pgErrorCode } from './pg-error';
import { epochMs, fromEpochMs } from './sql-time';
import { StatementTimeoutError } from './statement-timeout.error';
import { TradeRepository } from './trade.repository';

export interface FindCandlesParams {
  symbol: string;
  /** By name (UTC), or with its boundaries in a time zone (Binance's klines `timeZone`). */
  interval: CandleInterval;
  /** Inclusive epoch-ms bounds; the caller keeps them to whole intervals (see candleWindow). */
  startTime: number;
  endTime: number;
  /** The read is given up after this long (statement_timeout; for 1s candles, between pages of trades). */
  timeoutMs: number;
}

interface CandleRow {
  open_time: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  quote_volume: string;
  taker_buy_volume: string;
  taker_buy_quote_volume: string;
  trades: number;
  agg_trades: number;
  first_agg_id: number;
  last_agg_id: number;
}

const [FINEST_LEVEL] = CANDLE_LEVELS as [CandleLevel, ...CandleLevel[]];
const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * Candles of the stored trades. Every interval from 1m up is read from the stored candles (libs/storage/src/candles):
 * the coarsest level whose candles fit whole into the interval's (1m for 1m–5m, 15m for 15m and 30m, 1h up to 12h,
 * 1d for 1d, 3d, 1w and 1M), so 1,000 candles of any interval read at most 12,000 rows however long the history.
 * Where the rollup job may not have caught up yet (its last run's lookback, and days a late write marked) the 1m
 * candles are read instead. 1s candles are folded from the trades themselves.
 */
@Injectable()
export class CandleRepository {
  constructor(
    private readonly db: DatabaseClient,
    private readonly trades: TradeRepository,
  ) {}

  async findCandles(params: FindCandlesParams): Promise<Candle[]> {
    if (candleIntervalName(params.interval) === '1s') {
      return this.secondCandles(params);
    }
    try {
      return await this.db.transaction((client) => this.rolledUpCandles(client, params), { readOnly: true, statementTimeoutMs: params.timeoutMs });
    } catch (error) {
      throw pgErrorCode(error) === PgErrorCode.queryCanceled ? new StatementTimeoutError(params.timeoutMs) : error;
    }
  }

  private async rolledUpCandles(client: PoolClient, { symbol, interval, startTime, endTime }: FindCandlesParams): Promise<Candle[]> {
    const level = sourceLevelOf(interval);
    const start = fromEpochMs('$2');
    const end = fromEpochMs('$3');
    const rows = `SELECT * FROM candle_1m c WHERE c.symbol = $1 AND c.open_time >= ${start} AND c.open_time <= ${end}`;
    const source =
      level.table === 'candle_1m'
        ? rows
        : // Rolled-up candles up to where the job is known to have rolled them (`settled`), minus the days a late write
          // marked; 1m candles for the rest. The three parts never share a minute.
          `${rolledUpBefore(level)} AND NOT EXISTS (SELECT 1 FROM late WHERE c.open_time >= late.day AND c.open_time < late.day + interval '1 day')
           UNION ALL
           ${rows} AND c.open_time >= (SELECT before FROM settled)
           UNION ALL
           SELECT c.* FROM late CROSS JOIN LATERAL (
             SELECT * FROM candle_1m c WHERE c.symbol = $1 AND c.open_time >= greatest(late.day, ${start})
               AND c.open_time < least(late.day + interval '1 day', (SELECT before FROM settled)) AND c.open_time <= ${end}
           ) c`;
    // First, so that the aggregation is the statement a plan test sees last.
    const { rows: around } = await client.query<{ previous_close: string | null; traded_after: boolean }>(
      `SELECT (SELECT close::text FROM candle_1m WHERE symbol = $1 AND open_time < ${start} ORDER BY open_time DESC LIMIT 1) AS previous_close,
              EXISTS (SELECT 1 FROM candle_1m WHERE symbol = $1 AND open_time > ${end}) AS traded_after`,
      [symbol, startTime, endTime],
    );
    const { rows: found } = await client.query<CandleRow>(
      `WITH settled AS (
         SELECT coalesce(date_bin($4::bigint * interval '1 millisecond', (SELECT rolled_at FROM candle_rollup_state WHERE id = 1) - $5::bigint * interval '1 millisecond',
                                  timestamptz 'epoch'), '-infinity') AS before
       ), late AS (
         SELECT DISTINCT day FROM candle_rollup_pending
         WHERE symbol = $1 AND day > ${start} - interval '1 day' AND day <= ${end}
       ), source AS (${source})
       SELECT ${epochMs('open_time')} AS open_time, open::text, high::text, low::text, close::text, trim_scale(volume)::text AS volume,
              trim_scale(quote_volume)::text AS quote_volume, trim_scale(taker_buy_volume)::text AS taker_buy_volume,
              trim_scale(taker_buy_quote_volume)::text AS taker_buy_quote_volume, trades::float8 AS trades, agg_trades::float8 AS agg_trades,
              first_agg_id::float8 AS first_agg_id, last_agg_id::float8 AS last_agg_id
       FROM (SELECT ${bucketOf(interval)} AS open_time, ${mergedCandleColumns('source')} FROM source GROUP BY 1) candles
       ORDER BY 1`,
      [symbol, startTime, endTime, level.ms, ROLLUP_LOOKBACK_MS],
    );
    return withEmptyCandles({
      interval,
      window: { startTime, endTime },
      candles: found.map((row) => candleOf(interval, row)),
      previousClose: around[0]?.previous_close ?? null,
      tradedAfter: around[0]?.traded_after ?? false,
    });
  }

  /**
   * 1s candles from the window's trades, read as decoded runs (no trade objects) and folded like the stored candles.
   * Quiet seconds are filled in as for the stored levels: the read starts at the minute holding the window's start,
   * so the last trade before the window (in that minute, else the close of the 1m candle before it) gives the close a
   * quiet first second shows, and a 1m candle with a trade after the window's last says the market went on.
   */
  private async secondCandles({ symbol, startTime, endTime, timeoutMs }: FindCandlesParams): Promise<Candle[]> {
    const started = performance.now();
    const readFrom = startTime - (startTime % MINUTE);
    const runs = await this.trades.findRuns({ symbol, startTime: readFrom, endTime });
    if (performance.now() - started > timeoutMs) {
      throw new StatementTimeoutError(timeoutMs);
    }
    const fold = new CandleFold(SECOND);
    for (const run of runs) {
      fold.add(run);
    }
    const lastRun = runs[runs.length - 1];
    const lastReadId = lastRun === undefined ? -1 : lastRun.firstId + lastRun.count - 1;
    const read = fold.partials().map((partial) => secondCandleOf(candlePartialText(partial)));
    const candles = read.filter((candle) => candle.openTime >= startTime);
    const before = read[read.length - candles.length - 1];
    const { rows: around } = await this.db.query<{ previous_close: string | null; traded_after: boolean }>(
      `SELECT (SELECT close::text FROM candle_1m WHERE symbol = $1 AND open_time < ${fromEpochMs('$2')} ORDER BY open_time DESC LIMIT 1) AS previous_close,
              EXISTS (SELECT 1 FROM candle_1m WHERE symbol = $1 AND open_time >= ${fromEpochMs('$3')} AND last_agg_id > $4) AS traded_after`,
      [symbol, readFrom, endTime - (endTime % MINUTE), lastReadId],
    );
    return withEmptyCandles({
      interval: '1s',
      window: { startTime, endTime },
      candles,
      previousClose: before?.close ?? around[0]?.previous_close ?? null,
      tradedAfter: around[0]?.traded_after ?? false,
    });
  }
}

/**
 * The coarsest stored level whose every candle lies whole inside one of the interval's: one whose boundaries are
 * boundaries of the interval's too (in a time zone of UTC+8, days are read from hours, not from UTC days).
 */
function sourceLevelOf(interval: CandleInterval): CandleLevel {
  const rule = candleIntervalRule(interval);
  const fits = (level: CandleLevel) =>
    rule.kind === 'month' ? rule.offsetMs % level.ms === 0 : rule.ms % level.ms === 0 && rule.originMs % level.ms === 0;
  return [...CANDLE_LEVELS].reverse().find(fits) ?? FINEST_LEVEL;
}

/** SQL of the open time of the `interval` candle holding `source.open_time` (the rule's numbers are ours, not input). */
function bucketOf(interval: CandleInterval): string {
  const rule = candleIntervalRule(interval);
  if (rule.kind === 'month') {
    const offset = `${rule.offsetMs}::bigint * interval '1 millisecond'`;
    return `date_trunc('month', source.open_time + ${offset}, 'UTC') - ${offset}`;
  }
  return `date_bin(${rule.ms}::bigint * interval '1 millisecond', source.open_time, timestamptz 'epoch' + ${rule.originMs}::bigint * interval '1 millisecond')`;
}

function rolledUpBefore(level: CandleLevel): string {
  return `SELECT * FROM ${level.table} c WHERE c.symbol = $1 AND c.open_time >= ${fromEpochMs('$2')} AND c.open_time <= ${fromEpochMs('$3')}
            AND c.open_time < (SELECT before FROM settled)`;
}

function candleOf(interval: CandleInterval, row: CandleRow): Candle {
  return {
    openTime: row.open_time,
    closeTime: candleCloseTime(interval, row.open_time),
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    volume: row.volume,
    quoteVolume: row.quote_volume,
    trades: row.trades,
    aggTrades: row.agg_trades,
    takerBuyVolume: row.taker_buy_volume,
    takerBuyQuoteVolume: row.taker_buy_quote_volume,
    firstTradeId: row.first_agg_id,
    lastTradeId: row.last_agg_id,
  };
}

function secondCandleOf({ openTime, firstAggId, lastAggId, ...sums }: CandlePartialText): Candle {
  const { open, high, low, close, volume, quoteVolume, trades, aggTrades, takerBuyVolume, takerBuyQuoteVolume } = sums;
  return {
    openTime,
    closeTime: openTime + SECOND - 1,
    open,
    high,
    low,
    close,
    volume,
    quoteVolume,
    trades,
    aggTrades,
    takerBuyVolume,
    takerBuyQuoteVolume,
    firstTradeId: firstAggId,
    lastTradeId: lastAggId,
  };
}
