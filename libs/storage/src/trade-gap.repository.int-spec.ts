import { createTestDatabase, testConfig, type TestDatabase } from '@binance-rates/testing';
import { ArchiveImportRepository } from './archive-import.repository';
import { DatabaseClient } from './database.client';
import { TrackedSymbolRepository } from './tracked-symbol.repository';
import { TradeGapRepository } from './trade-gap.repository';

describe('TradeGapRepository', () => {
  let db: TestDatabase;
  let client: DatabaseClient;
  let gaps: TradeGapRepository;

  beforeEach(async () => {
    db = await createTestDatabase();
    client = new DatabaseClient(testConfig({ database: { url: db.url, poolSize: 4 } }));
    gaps = new TradeGapRepository(client);
  });

  afterEach(async () => {
    await client.close();
    await db.drop();
  });

  it('records a gap with defaults', async () => {
    const before = Date.now();
    const { gap, created } = await gaps.record({ symbol: 'BTCUSDT', fromId: 100, toId: 199, reason: 'reconnect' });

    expect(created).toBe(true);
    expect(gap).toMatchObject({
      symbol: 'BTCUSDT',
      fromId: 100,
      toId: 199,
      reason: 'reconnect',
      resolvedAt: null,
      attempts: 0,
      lastError: null,
    });
    expect(gap.id).toEqual(expect.any(Number));
    expect(gap.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('is idempotent for the same open range, including an open-ended one, even concurrently', async () => {
    const first = await gaps.record({ symbol: 'BTCUSDT', fromId: 100, toId: 199, reason: 'a' });
    const again = await gaps.record({ symbol: 'BTCUSDT', fromId: 100, toId: 199, reason: 'b' });
    expect(again).toEqual({ gap: first.gap, created: false });

    const openEnded = await Promise.all(
      Array.from({ length: 6 }, () => gaps.record({ symbol: 'BTCUSDT', fromId: 500, toId: null, reason: 'backpressure' })),
    );
    expect(openEnded.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(openEnded.map((r) => r.gap.id)).size).toBe(1);

    await expect(gaps.listOpen()).resolves.toHaveLength(2);
  });

  it('counts a failed attempt in the same step as recording, for a new gap and for one already open', async () => {
    const next = new Date(Date.now() + 30_000);
    const first = await gaps.record({ symbol: 'SOLUSDT', fromId: 7, toId: 9, reason: 'r', attempt: { error: 'answered 500', nextAttemptAt: next } });
    expect(first).toMatchObject({ created: true, gap: { attempts: 1, lastError: 'answered 500', nextAttemptAt: next } });
    const again = await gaps.record({ symbol: 'SOLUSDT', fromId: 7, toId: 9, reason: 'r', attempt: { error: 'answered 503', nextAttemptAt: next } });
    expect(again).toMatchObject({ created: false, gap: { id: first.gap.id, attempts: 2, lastError: 'answered 503' } });
  });

  it('records ranges found missing in one step, due at the time given, reusing open gaps and repeated ranges', async () => {
    const open = (await gaps.record({ symbol: 'ETHUSDT', fromId: 10, toId: 20, reason: 'earlier' })).gap;
    const dueAt = new Date(Date.now() + 30_000);
    const ids = await gaps.recordFound(
      [
        { symbol: 'BTCUSDT', fromId: 100, toId: 199, reason: 'gap in live stream' },
        { symbol: 'ETHUSDT', fromId: 10, toId: 20, reason: 'gap in live stream' },
        { symbol: 'BTCUSDT', fromId: 500, toId: null, reason: 'catch up' },
        { symbol: 'BTCUSDT', fromId: 100, toId: 199, reason: 'gap in live stream' },
      ],
      dueAt,
    );
    expect(ids[1]).toBe(open.id);
    expect(ids[3]).toBe(ids[0]);
    expect(new Set(ids).size).toBe(3);
    const btc = await gaps.listOpen('BTCUSDT');
    expect(btc).toEqual([
      expect.objectContaining({ id: ids[0], fromId: 100, toId: 199, attempts: 0, nextAttemptAt: dueAt }),
      expect.objectContaining({ id: ids[2], fromId: 500, toId: null, reason: 'catch up', nextAttemptAt: dueAt }),
    ]);
    await expect(gaps.due(new Date(), 10)).resolves.toEqual([expect.objectContaining({ id: open.id })]);
    await expect(gaps.recordFound([], dueAt)).resolves.toEqual([]);
  });

  it('records concurrently found ranges of one symbol once', async () => {
    const dueAt = new Date();
    const found = { symbol: 'BTCUSDT', fromId: 7, toId: 9, reason: 'r' };
    const results = await Promise.all(Array.from({ length: 6 }, () => gaps.recordFound([found], dueAt)));
    expect(new Set(results.flat()).size).toBe(1);
    await expect(gaps.listOpen('BTCUSDT')).resolves.toHaveLength(1);
  });

  it('makes gaps being filled due now, for the next owner', async () => {
    const [id] = await gaps.recordFound([{ symbol: 'BTCUSDT', fromId: 1, toId: 2, reason: 'r' }], new Date(Date.now() + 60_000));
    await expect(gaps.due(new Date(), 10)).resolves.toEqual([]);
    await gaps.makeDue([id]);
    await expect(gaps.due(new Date(), 10)).resolves.toEqual([expect.objectContaining({ id })]);
  });

  it('prunes gaps resolved before a time, never an open one', async () => {
    const [old, recent, open] = await gaps.recordFound(
      [1, 2, 3].map((fromId) => ({ symbol: 'PRUNEUSDT', fromId, toId: fromId, reason: 'r' })),
      new Date(),
    );
    await gaps.resolve(old);
    await client.pool.query(`UPDATE trade_gap SET resolved_at = now() - interval '8 days' WHERE id = $1`, [old]);
    await gaps.resolve(recent);
    await expect(gaps.pruneResolved(new Date(Date.now() - 7 * 24 * 3_600_000))).resolves.toBe(1);
    const { rows } = await client.pool.query<{ id: number }>('SELECT id FROM trade_gap WHERE symbol = $1 ORDER BY id', ['PRUNEUSDT']);
    expect(rows.map((row) => row.id)).toEqual([recent, open]);
  });

  it('records the same range again once the old one is resolved', async () => {
    const { gap } = await gaps.record({ symbol: 'BTCUSDT', fromId: 1, toId: 5, reason: 'x' });
    await expect(gaps.resolve(gap.id)).resolves.toBe(true);
    await expect(gaps.resolve(gap.id)).resolves.toBe(false);

    const again = await gaps.record({ symbol: 'BTCUSDT', fromId: 1, toId: 5, reason: 'x' });
    expect(again.created).toBe(true);
    expect(again.gap.id).not.toBe(gap.id);
  });

  it('lists open gaps, optionally for one symbol, ordered by symbol and start', async () => {
    await gaps.record({ symbol: 'ETHUSDT', fromId: 50, toId: 60, reason: 'r' });
    await gaps.record({ symbol: 'BTCUSDT', fromId: 300, toId: null, reason: 'r' });
    const resolved = await gaps.record({ symbol: 'BTCUSDT', fromId: 1, toId: 2, reason: 'r' });
    await gaps.record({ symbol: 'BTCUSDT', fromId: 100, toId: 120, reason: 'r' });
    await gaps.resolve(resolved.gap.id);

    const all = await gaps.listOpen();
    expect(all.map((g) => [g.symbol, g.fromId])).toEqual([
      ['BTCUSDT', 100],
      ['BTCUSDT', 300],
      ['ETHUSDT', 50],
    ]);
    const eth = await gaps.listOpen('ETHUSDT');
    expect(eth.map((g) => g.fromId)).toEqual([50]);
  });

  it('schedules retries: due() returns open gaps whose next attempt has come, oldest first', async () => {
    const now = new Date();
    const a = (await gaps.record({ symbol: 'BTCUSDT', fromId: 1, toId: 10, reason: 'r' })).gap;
    const b = (await gaps.record({ symbol: 'BTCUSDT', fromId: 20, toId: 30, reason: 'r' })).gap;
    const c = (await gaps.record({ symbol: 'ETHUSDT', fromId: 1, toId: 2, reason: 'r' })).gap;

    await expect(gaps.markAttempt({ id: a.id, error: 'HTTP 429', nextAttemptAt: new Date(now.getTime() + 60_000) })).resolves.toBe(true);
    await gaps.resolve(c.id);

    const due = await gaps.due(new Date(now.getTime() + 1000), 10);
    expect(due.map((g) => g.id)).toEqual([b.id]);

    const later = await gaps.due(new Date(now.getTime() + 120_000), 10);
    expect(later.map((g) => g.id)).toEqual([b.id, a.id]);
    expect(later[1]).toMatchObject({ attempts: 1, lastError: 'HTTP 429' });

    await expect(gaps.due(new Date(now.getTime() + 120_000), 1)).resolves.toHaveLength(1);
    await expect(gaps.markAttempt({ id: c.id, error: 'late', nextAttemptAt: now })).resolves.toBe(false);
    await expect(gaps.markAttempt({ id: 999_999, error: 'nope', nextAttemptAt: now })).resolves.toBe(false);
  });

  it('claims each due gap of a tracked symbol for one caller at a time, until the claim runs out', async () => {
    const tracked = new TrackedSymbolRepository(client);
    await tracked.add('BTCUSDT');
    const { gap } = await gaps.record({ symbol: 'BTCUSDT', fromId: 1, toId: 10, reason: 'r' });

    const [first, second] = await Promise.all([gaps.claimDue({ limit: 10, claimMs: 60_000 }), gaps.claimDue({ limit: 10, claimMs: 60_000 })]);
    expect([...first, ...second].map((claimed) => claimed.id)).toEqual([gap.id]);
    await expect(gaps.claimDue({ limit: 10, claimMs: 60_000 })).resolves.toEqual([]);

    await gaps.claimDue({ limit: 10, claimMs: 60_000 });
    await client.query("UPDATE trade_gap SET next_attempt_at = now() - interval '1 second' WHERE id = $1", [gap.id]);
    await expect(gaps.claimDue({ limit: 10, claimMs: 60_000 })).resolves.toEqual([expect.objectContaining({ id: gap.id })]);
  });

  it('claims no gap of a symbol no longer tracked, and claims it again once the symbol is added back', async () => {
    const tracked = new TrackedSymbolRepository(client);
    await tracked.add('ETHUSDT');
    const { gap } = await gaps.record({ symbol: 'ETHUSDT', fromId: 1, toId: 10, reason: 'r' });
    await tracked.remove('ETHUSDT');
    await expect(gaps.claimDue({ limit: 10, claimMs: 60_000 })).resolves.toEqual([]);
    await tracked.add('ETHUSDT');
    await expect(gaps.claimDue({ limit: 10, claimMs: 60_000 })).resolves.toEqual([expect.objectContaining({ id: gap.id })]);
  });

  it('moves a gap past the trades stored so far and keeps it claimed while it is being filled', async () => {
    const { gap } = await gaps.record({ symbol: 'BTCUSDT', fromId: 1, toId: 5_000, reason: 'r' });
    await expect(gaps.checkpoint({ id: gap.id, fromId: 1_001, claimMs: 60_000 })).resolves.toBe(true);
    const [open] = await gaps.listOpen('BTCUSDT');
    expect(open.fromId).toBe(1_001);
    expect(open.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    await expect(gaps.checkpoint({ id: gap.id, fromId: 500, claimMs: 60_000 })).resolves.toBe(true);
    expect((await gaps.listOpen('BTCUSDT'))[0].fromId).toBe(1_001);
    await expect(gaps.checkpoint({ id: gap.id, fromId: 5_001, claimMs: 60_000 })).resolves.toBe(false);
  });

  it('leaves a gap to its archive import while that is queued or running, and lists which import fills it', async () => {
    await new TrackedSymbolRepository(client).add('BTCUSDT');
    const imports = new ArchiveImportRepository(client);
    const { gap } = await gaps.record({ symbol: 'BTCUSDT', fromId: 1, toId: 5_000_000, reason: 'r' });
    const { gap: other } = await gaps.record({ symbol: 'BTCUSDT', fromId: 6_000_000, toId: 6_000_010, reason: 'r' });
    const fill = await imports.createForGap({ symbol: 'BTCUSDT', fromDay: '2024-01-01', toDay: '2024-01-02', files: [], gapId: gap.id });
    expect((await gaps.listOpen('BTCUSDT')).map((open) => [open.id, open.archiveImportId])).toEqual([
      [gap.id, fill!.id],
      [other.id, null],
    ]);
    await expect(gaps.claimDue({ limit: 10, claimMs: 60_000 })).resolves.toEqual([expect.objectContaining({ id: other.id })]);
    await imports.claim({ owner: 'a', leaseMs: 60_000, match: { kind: 'id', id: fill!.id } });
    await client.query("UPDATE trade_gap SET next_attempt_at = now() - interval '1 second'");
    await expect(gaps.claimDue({ limit: 10, claimMs: 60_000 })).resolves.toEqual([expect.objectContaining({ id: other.id })]);
    await imports.finish({ id: fill!.id, owner: 'a', status: 'failed', error: 'x' });
    await client.query("UPDATE trade_gap SET next_attempt_at = now() - interval '1 second'");
    await expect(gaps.claimDue({ limit: 10, claimMs: 60_000 })).resolves.toHaveLength(2);
    expect((await gaps.listOpen('BTCUSDT')).map((open) => open.archiveImportId)).toEqual([null, null]);
  });
});
