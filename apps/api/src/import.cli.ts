import 'reflect-metadata';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { AppConfig, InvalidConfigError, loadConfig } from '@binance-rates/config';
import { BinanceArchiveClient, archiveFileKey, dayOf, dayText, planArchiveFiles } from '@binance-rates/binance';
import { IMPORT_LEASE_MS, runArchiveImport } from '@binance-rates/ingestion';
import { checkedRange, ImportRangeInvalidError } from '@binance-rates/serving';
import { applyMigrations, ArchiveImportRepository, DatabaseClient, TrackedSymbolRepository, TradeBlockPartitions, TradeHistoryWriter, CandleRollupWriter } from '@binance-rates/storage';
import { normalizeSymbol } from '@binance-rates/domain';
import { importProgressView } from './import-progress';

const USAGE = 'usage: npm run import -- <SYMBOL> <from YYYY-MM-DD> <to YYYY-MM-DD>   e.g. npm run import -- BTCUSDT 2024-01-01 2024-12-31';

/**
 * `npm run import -- BTCUSDT 2024-01-01 2024-12-31`: imports a tracked symbol's history from Binance's public data
 * archive in this process, through the same code as the service's imports (runArchiveImport), against DATABASE_URL
 * and BINANCE_DATA_URL. An unfinished import of the same symbol and days whose instance is gone is resumed rather than
 * started again. Ctrl-C gives the import back (any instance, or the next run, resumes it). Exit code 0 when done,
 * 1 when it failed, 2 for bad arguments, 130 when interrupted.
 */
async function main(): Promise<number> {
  const [symbolArg, from, to, ...extra] = process.argv.slice(2);
  const symbol = normalizeSymbol(symbolArg);
  if (symbol === null || from === undefined || to === undefined || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let config: AppConfig;
  let range: { fromDay: number; toDay: number };
  try {
    config = loadConfig();
    range = checkedRange({ from, to }, dayOf(Date.now()));
  } catch (error) {
    if (error instanceof InvalidConfigError || error instanceof ImportRangeInvalidError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  Logger.overrideLogger(['error', 'warn']);
  await applyMigrations({ databaseUrl: config.database.url });
  const db = new DatabaseClient(config);
  try {
    if (!(await new TrackedSymbolRepository(db).listActive()).some((tracked) => tracked.symbol === symbol)) {
      process.stderr.write(`${symbol} is not tracked: add it first (POST /api/currency {"symbol":"${symbol}"})\n`);
      return 2;
    }
    const imports = new ArchiveImportRepository(db);
    const owner = `cli-${hostname()}-${process.pid}`;
    const days = { fromDay: dayText(range.fromDay), toDay: dayText(range.toDay) };
    const same = { kind: 'same', symbol, ...days } as const;
    let job = await imports.claim({ owner, leaseMs: IMPORT_LEASE_MS, match: same });
    const held = (await imports.list(symbol, 100)).find(
      (other) => other.fromDay === days.fromDay && other.toDay === days.toDay && (other.status === 'running' || other.status === 'queued'),
    );
    if (job === null && held !== undefined) {
      // Its instance may have died (kill -9): its claim runs out within IMPORT_LEASE_MS, and it is resumed from here.
      process.stdout.write(`import ${held.id} of the same days is held by ${held.owner}; waiting for it to end or to be given up\n`);
      while (job === null && ['running', 'queued'].includes((await imports.get(held.id))?.status ?? '')) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        job = await imports.claim({ owner, leaseMs: IMPORT_LEASE_MS, match: same });
      }
      if (job === null) {
        process.stdout.write(`import ${held.id} ended as ${(await imports.get(held.id))?.status}\n`);
        return 0;
      }
    }
    if (job === null) {
      const files = planArchiveFiles({ symbol, ...range, today: dayOf(Date.now()) }).map(archiveFileKey);
      const created = await imports.create({ symbol, ...days, files });
      job = await imports.claim({ owner, leaseMs: IMPORT_LEASE_MS, match: { kind: 'id', id: created.id } });
    } else {
      process.stdout.write(`resuming import ${job.id} at file ${job.filesDone + 1} of ${job.files.length}\n`);
    }
    if (job === null) {
      process.stderr.write('the import was taken by a service instance first; follow it with GET /api/currency/{symbol}/imports\n');
      return 1;
    }
    process.stdout.write(`import ${job.id}: ${symbol} ${days.fromDay}..${days.toDay}, ${job.files.length} files from ${config.binance.dataUrl}\n`);
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort(new Error('interrupted')));
    process.once('SIGTERM', () => abort.abort(new Error('terminated')));
    const view = importProgressView({ tty: process.stdout.isTTY === true, write: (line) => process.stdout.write(`${line}\n`) });
    const end = await runArchiveImport({
      job,
      signal: abort.signal,
      archive: new BinanceArchiveClient({ baseUrl: config.binance.dataUrl }),
      writer: new TradeHistoryWriter(db, new TradeBlockPartitions(db), new CandleRollupWriter()),
      imports,
      owner,
      leaseMs: IMPORT_LEASE_MS,
      yieldToLive: async () => undefined,
      onProgress: (snapshot) => view.update(snapshot),
    });
    view.stop();
    const final = await imports.get(job.id);
    const summary = `${final?.tradesStored ?? 0} trades stored, ${final?.missingFiles.length ?? 0} files missing${final?.missingFiles.length ? ` (${final.missingFiles.join(', ')})` : ''}`;
    switch (end.status) {
      case 'done':
        process.stdout.write(`import ${job.id} done: ${summary}\n`);
        return 0;
      case 'failed':
        process.stderr.write(`import ${job.id} failed: ${end.error}\n`);
        return 1;
      case 'released':
        process.stdout.write(`import ${job.id} interrupted and given back (${summary}); run the same command again to resume it\n`);
        return 130;
      default:
        process.stderr.write(`import ${job.id} was cancelled or taken over by another instance\n`);
        return 1;
    }
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`import failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
