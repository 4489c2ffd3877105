import { BinanceArchiveClient, parseDay, planArchiveFiles, archiveFileKey } from '@binance-rates/binance';
import { TradeRunBatch } from '@binance-rates/domain';
import { type BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { ArchiveImportRepository, DatabaseClient, TradeBlockPartitions, TradeHistoryWriter, CandleRollupWriter } from '@binance-rates/storage';
import { aggTrade, createTestDatabase, sleep, STORED_TRADE_IDS, TcpProxy, testConfig, type TestDatabase, waitFor } from '@binance-rates/testing';
import { runArchiveImport } from './run-archive-import';

const PER_DAY = 1_500;
const LISTED = '2024-01-01';
const listedDay = parseDay(LISTED) as number;
/** The ids the emulator's archive gives the days `from`..`to`. */
const idsOf = (from: string, to: string) => ({ first: ((parseDay(from) as number) - listedDay) * PER_DAY, last: ((parseDay(to) as number) - listedDay + 1) * PER_DAY - 1 });

describe('archive import (emulator archive, real PostgreSQL)', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let db: DatabaseClient;
  let imports: ArchiveImportRepository;
  let writer: TradeHistoryWriter;
  let archive: BinanceArchiveClient;

  beforeAll(async () => {
    emulator = await startEmulator({
      tradesPerSecondPerSymbol: 0,
      archiveTradesPerDay: PER_DAY,
      symbols: [{ symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', startPrice: '43000.00', listedSince: LISTED }],
    });
    archive = new BinanceArchiveClient({ baseUrl: emulator.dataBaseUrl, retryDelayMs: 10 });
  });

  afterAll(() => emulator.close());

  beforeEach(async () => {
    database = await createTestDatabase();
    db = new DatabaseClient(testConfig({ database: { url: database.url, poolSize: 4 } }));
    imports = new ArchiveImportRepository(db);
    writer = new TradeHistoryWriter(db, new TradeBlockPartitions(db), new CandleRollupWriter());
    emulator.resetArchiveFaults();
  });

  afterEach(async () => {
    await db.close();
    await database.drop();
  });

  async function newImport(from: string, to: string) {
    const files = planArchiveFiles({ symbol: 'BTCUSDT', fromDay: parseDay(from) as number, toDay: parseDay(to) as number, today: parseDay('2030-01-01') as number });
    return imports.create({ symbol: 'BTCUSDT', fromDay: from, toDay: to, files: files.map(archiveFileKey) });
  }

  function run(owner: string, id: number, params: { signal?: AbortSignal; yieldToLive?: () => Promise<void>; leaseMs?: number } = {}) {
    return (async () => {
      const job = await imports.claim({ owner, leaseMs: params.leaseMs ?? 30_000, match: { kind: 'id', id } });
      if (job === null) throw new Error(`import ${id} not claimable by ${owner}`);
      return runArchiveImport({
        job,
        signal: params.signal ?? new AbortController().signal,
        archive,
        writer,
        imports,
        owner,
        leaseMs: params.leaseMs ?? 30_000,
        yieldToLive: params.yieldToLive ?? (async () => undefined),
      });
    })();
  }

  /** How many trades are stored between the ids, how many distinct, and the lowest and highest. */
  async function stored(first: number, last: number) {
    const { rows } = await db.query<{ count: number; distinct: number; min: number; max: number }>(
      `SELECT count(*)::float8 AS count, count(DISTINCT trade_id)::float8 AS distinct, min(trade_id)::float8 AS min, max(trade_id)::float8 AS max
         FROM ${STORED_TRADE_IDS} AS s WHERE symbol = 'BTCUSDT' AND trade_id BETWEEN $1 AND $2`,
      [first, last],
    );
    return rows[0];
  }

  it('imports month and day files into blocks, each trade once, reporting a missing day and reading an unpublished month by its days', async () => {
    emulator.makeArchiveFileMissing('BTCUSDT', '2024-03-02');
    emulator.makeArchiveFileMissing('BTCUSDT', '2024-02');
    const job = await newImport('2024-01-30', '2024-03-03');
    await expect(run('a', job.id)).resolves.toEqual({ status: 'done' });
    const ids = idsOf('2024-01-30', '2024-03-03');
    const expected = ids.last - ids.first + 1 - PER_DAY;
    expect(await stored(ids.first, ids.last)).toEqual({ count: expected, distinct: expected, min: ids.first, max: ids.last });
    const done = await imports.get(job.id);
    expect(done).toMatchObject({ status: 'done', missingFiles: ['daily/2024-03-02'], tradesStored: expected });
    expect(done?.files).toHaveLength(2 + 29 + 3);
    expect(done?.filesDone).toBe(done?.files.length);
    const { rows } = await db.query<{ runs: number }>(`SELECT count(*)::float8 AS runs FROM trade_run`);
    expect(rows[0]?.runs).toBe(0);
  });

  it('stores only what live data, backfills and earlier imports did not, and counts only that', async () => {
    const ids = idsOf('2024-01-05', '2024-01-06');
    const earlier = new TradeRunBatch();
    for (let id = ids.first + 100; id < ids.first + 600; id += 1) earlier.append(aggTrade({ symbol: 'BTCUSDT', tradeId: id, tradeTime: Date.UTC(2024, 0, 5) + id }));
    await writer.store(earlier.seal());
    const first = await newImport('2024-01-05', '2024-01-05');
    await run('a', first.id);
    const overlapping = await newImport('2024-01-05', '2024-01-06');
    await expect(run('a', overlapping.id)).resolves.toEqual({ status: 'done' });
    const total = ids.last - ids.first + 1;
    expect(await stored(ids.first, ids.last)).toEqual({ count: total, distinct: total, min: ids.first, max: ids.last });
    expect((await imports.get(first.id))?.tradesStored).toBe(PER_DAY - 500);
    expect((await imports.get(overlapping.id))?.tradesStored).toBe(PER_DAY);
  });

  it('fails on a checksum mismatch, naming the file and storing nothing of it', async () => {
    emulator.corruptArchiveChecksum('BTCUSDT', '2024-01-11');
    const job = await newImport('2024-01-10', '2024-01-12');
    const end = await run('a', job.id);
    expect(end).toMatchObject({ status: 'failed', error: expect.stringMatching(/BTCUSDT-aggTrades-2024-01-11\.zip: SHA-256/) });
    expect(await imports.get(job.id)).toMatchObject({ status: 'failed', filesDone: 1, error: expect.stringContaining('2024-01-11') });
    const day11 = idsOf('2024-01-11', '2024-01-11');
    expect((await stored(day11.first, day11.last))?.count).toBe(0);
  });

  it('is taken over where it stopped after its instance died mid-file (its PostgreSQL connections cut), storing every trade once', async () => {
    const job = await newImport('2024-01-20', '2024-01-26');
    const { proxy, url } = await TcpProxy.inFrontOf(database.url);
    const dyingDb = new DatabaseClient(testConfig({ database: { url, poolSize: 2, connectTimeoutMs: 500 } }));
    const dyingImports = new ArchiveImportRepository(dyingDb);
    let batches = 0;
    const claimed = await dyingImports.claim({ owner: 'dies', leaseMs: 600, match: { kind: 'id', id: job.id } });
    // The first instance stores a few batches, then dies as a killed process does: its connections reset mid-work,
    // nothing of it reaches PostgreSQL any more (no progress, no release, no heartbeat).
    const dying = runArchiveImport({
      job: claimed!,
      signal: new AbortController().signal,
      archive,
      writer: new TradeHistoryWriter(dyingDb, new TradeBlockPartitions(dyingDb), new CandleRollupWriter()),
      imports: dyingImports,
      owner: 'dies',
      leaseMs: 600,
      batchTrades: 500,
      yieldToLive: async () => {
        batches += 1;
        if (batches === 5) await proxy.cut();
      },
    }).catch((error: Error) => error);
    await waitFor(() => batches >= 5, { what: 'the first instance cut off in its fifth batch', timeoutMs: 10_000 });
    const before = await imports.get(job.id);
    expect(before?.tradesStored).toBeGreaterThan(0);
    // Cut within the second day's file: one of its batches stored and checkpointed, the rest not.
    const day21 = idsOf('2024-01-21', '2024-01-21');
    expect(before?.filesDone).toBe(1);
    expect(before?.checkpointId).toBeGreaterThanOrEqual(day21.first + 499);
    expect(before?.checkpointId).toBeLessThan(day21.last);
    await dying;
    await sleep(700);
    await expect(run('takes-over', job.id)).resolves.toEqual({ status: 'done' });
    const ids = idsOf('2024-01-20', '2024-01-26');
    const total = ids.last - ids.first + 1;
    expect(await stored(ids.first, ids.last)).toEqual({ count: total, distinct: total, min: ids.first, max: ids.last });
    expect(await imports.get(job.id)).toMatchObject({ status: 'done', tradesStored: total });
    await dyingDb.close().catch(() => undefined);
  });

  it('gives an import stopped by its instance back to the queue, and a cancelled one stops at its next batch', async () => {
    const job = await newImport('2024-01-01', '2024-01-04');
    const stop = new AbortController();
    let batches = 0;
    const stopping = run('a', job.id, { signal: stop.signal, yieldToLive: async () => void (++batches === 2 && stop.abort()) });
    await expect(stopping).resolves.toEqual({ status: 'released' });
    expect(await imports.get(job.id)).toMatchObject({ status: 'queued', owner: null });
    let cancelled = false;
    const cancelling = run('b', job.id, { yieldToLive: async () => void (!cancelled && (cancelled = true) && (await imports.cancel(job.id))) });
    await expect(cancelling).resolves.toEqual({ status: 'lost' });
    expect((await imports.get(job.id))?.status).toBe('cancelled');
  });
});
