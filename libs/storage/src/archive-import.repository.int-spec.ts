import { createTestDatabase, sleep, type TestDatabase } from '@binance-rates/testing';
import { ArchiveImportRepository } from './archive-import.repository';
import { DatabaseClient } from './database.client';
import { clientFor } from './trade.fixtures';

describe('ArchiveImportRepository', () => {
  let db: TestDatabase;
  let client: DatabaseClient;
  let imports: ArchiveImportRepository;
  const newImport = (symbol = 'BTCUSDT') =>
    imports.create({ symbol, fromDay: '2024-01-01', toDay: '2024-02-02', files: ['monthly/2024-01', 'daily/2024-02-01', 'daily/2024-02-02'] });

  beforeEach(async () => {
    db = await createTestDatabase();
    client = clientFor(db.url);
    imports = new ArchiveImportRepository(client);
  });

  afterEach(async () => {
    await client.close();
    await db.drop();
  });

  it('creates a queued import with its files and reads it back', async () => {
    const created = await newImport();
    expect(created).toMatchObject({ symbol: 'BTCUSDT', fromDay: '2024-01-01', toDay: '2024-02-02', status: 'queued', filesDone: 0, tradesStored: 0 });
    expect(await imports.get(created.id)).toEqual(created);
    expect(await imports.get(created.id + 1)).toBeNull();
  });

  it('lets one claimer take an import while its lease holds, and another once it has run out', async () => {
    const created = await newImport();
    const [first, second] = await Promise.all([
      imports.claim({ owner: 'a', leaseMs: 200, match: { kind: 'any' } }),
      imports.claim({ owner: 'b', leaseMs: 200, match: { kind: 'any' } }),
    ]);
    expect([first?.owner, second?.owner].filter(Boolean)).toHaveLength(1);
    expect((first ?? second)?.status).toBe('running');
    await expect(imports.claim({ owner: 'c', leaseMs: 200, match: { kind: 'any' } })).resolves.toBeNull();
    await sleep(250);
    const takenOver = await imports.claim({ owner: 'c', leaseMs: 60_000, match: { kind: 'id', id: created.id } });
    expect(takenOver?.owner).toBe('c');
  });

  it('writes progress only under its claim, and ends the import', async () => {
    const { id } = await newImport();
    await imports.claim({ owner: 'a', leaseMs: 60_000, match: { kind: 'any' } });
    const progress = { id, leaseMs: 60_000, filesDone: 1, checkpointId: null, addedTrades: 500, missingFiles: ['daily/2024-02-01'] };
    await expect(imports.progress({ ...progress, owner: 'a' })).resolves.toBe(true);
    await expect(imports.progress({ ...progress, owner: 'b' })).resolves.toBe(false);
    await expect(imports.progress({ ...progress, owner: 'a', filesDone: 2, checkpointId: 77, addedTrades: 25 })).resolves.toBe(true);
    expect(await imports.get(id)).toMatchObject({ filesDone: 2, checkpointId: 77, tradesStored: 525, missingFiles: ['daily/2024-02-01'] });
    await expect(imports.finish({ id, owner: 'a', status: 'done' })).resolves.toBe(true);
    expect(await imports.get(id)).toMatchObject({ status: 'done', owner: null });
  });

  it('cancels an import so that its runner loses its claim; an ended import stays as it was', async () => {
    const { id } = await newImport();
    await imports.claim({ owner: 'a', leaseMs: 60_000, match: { kind: 'any' } });
    expect((await imports.cancel(id))?.status).toBe('cancelled');
    await expect(imports.progress({ id, owner: 'a', leaseMs: 1, filesDone: 1, checkpointId: null, addedTrades: 1, missingFiles: [] })).resolves.toBe(false);
    await expect(imports.finish({ id, owner: 'a', status: 'done' })).resolves.toBe(false);
    expect((await imports.cancel(id))?.status).toBe('cancelled');
    await expect(imports.cancel(id + 100)).resolves.toBeNull();
  });

  it('claims an unfinished import of the same symbol and days, and gives a released one back to anyone', async () => {
    const other = await newImport('ETHUSDT');
    const mine = await newImport('BTCUSDT');
    const same = { kind: 'same', symbol: 'BTCUSDT', fromDay: '2024-01-01', toDay: '2024-02-02' } as const;
    expect((await imports.claim({ owner: 'cli', leaseMs: 60_000, match: same }))?.id).toBe(mine.id);
    await imports.release({ id: mine.id, owner: 'cli' });
    expect(await imports.get(mine.id)).toMatchObject({ status: 'queued', owner: null });
    expect((await imports.claim({ owner: 'x', leaseMs: 60_000, match: { kind: 'any' } }))?.id).toBe(other.id);
    expect((await imports.list('BTCUSDT', 10)).map((row) => row.id)).toEqual([mine.id]);
  });

  it('creates at most one import per gap, and finds it by its gap', async () => {
    const params = { symbol: 'BTCUSDT', fromDay: '2024-01-01', toDay: '2024-01-02', files: ['daily/2024-01-01', 'daily/2024-01-02'], gapId: 7 };
    const created = await imports.createForGap(params);
    expect(created).toMatchObject({ gapId: 7, status: 'queued' });
    await expect(imports.createForGap(params)).resolves.toBeNull();
    await imports.cancel(created!.id);
    await expect(imports.createForGap(params)).resolves.toBeNull();
    expect(await imports.findByGap(7)).toMatchObject({ id: created!.id, status: 'cancelled' });
    await expect(imports.findByGap(8)).resolves.toBeNull();
    expect((await newImport()).gapId).toBeNull();
  });
});
