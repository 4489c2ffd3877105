import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import { type TradeRun, lastIdOf } from '@binance-rates/domain';
import { ArchiveFormatError } from './archive.errors';
import { tradeBatchesOfZip } from './trade-batches.reader';

/** A zip of one CSV entry on disk. */
async function zipFile(dir: string, csv: string): Promise<string> {
  const zip = new ZipFile();
  zip.addBuffer(Buffer.from(csv, 'latin1'), 'BTCUSDT-aggTrades-2024-01-01.csv');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const path = join(dir, 'BTCUSDT-aggTrades-2024-01-01.zip');
  await writeFile(path, Buffer.concat(chunks));
  return path;
}

function csvRows(firstId: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `${firstId + i},1.50000000,2.00000000,${firstId + i},${firstId + i},${1704067200000 + i},False,True\n`).join('');
}

/** Every trade id of the batches, in order, and each batch's size. */
function idsOf(batches: TradeRun[][]): { ids: number[]; sizes: number[] } {
  const ids: number[] = [];
  const sizes: number[] = [];
  for (const runs of batches) {
    let size = 0;
    for (const run of runs) {
      for (let id = run.firstId; id <= lastIdOf(run); id += 1) ids.push(id);
      size += run.count;
    }
    sizes.push(size);
  }
  return { ids, sizes };
}

describe('trade batches of a zip, decoded in a worker thread', () => {
  let dir: string;
  const name = 'BTCUSDT-aggTrades-2024-01-01.zip';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trade-batches-'));
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function read(csv: string, afterId: number, batchTrades: number): Promise<TradeRun[][]> {
    const path = await zipFile(dir, csv);
    const batches: TradeRun[][] = [];
    for await (const runs of tradeBatchesOfZip({ path, name, symbol: 'BTCUSDT', afterId, batchTrades })) batches.push(runs);
    return batches;
  }

  it('hands over every trade after the ids stored, in batches of the size asked, with their fields', async () => {
    const batches = await read(csvRows(1_000, 25_000), 1_999, 10_000);
    const { ids, sizes } = idsOf(batches);
    expect(ids).toEqual(Array.from({ length: 24_000 }, (_, i) => 2_000 + i));
    expect(sizes.slice(0, -1).every((size) => size >= 10_000 && size < 10_000 + 20_000)).toBe(true);
    const first = batches[0]?.[0] as TradeRun;
    expect(first).toMatchObject({ symbol: 'BTCUSDT', firstId: 2_000, priceScale: expect.any(Number) });
    expect(first.time[0]).toBe(1704067200000 + 1_000);
    expect(first.buyerMaker[0]).toBe(0);
  });

  it('refuses a malformed row with an ArchiveFormatError naming the file and the line', async () => {
    const error = await read(`${csvRows(1, 3)}4,oops,2.0,4,4,1704067200000,False,True\n`, -1, 10_000).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ArchiveFormatError);
    expect((error as ArchiveFormatError).file).toBe(name);
    expect((error as Error).message).toMatch(/^BTCUSDT-aggTrades-2024-01-01\.zip: line 4 has price "oops"/);
  });

  it('can be left early (its worker is ended), and the file reads again from the start', async () => {
    const path = await zipFile(dir, csvRows(1, 50_000));
    for await (const runs of tradeBatchesOfZip({ path, name, symbol: 'BTCUSDT', afterId: -1, batchTrades: 1_000 })) {
      expect(runs[0]?.firstId).toBe(1);
      break;
    }
    const again: TradeRun[][] = [];
    for await (const runs of tradeBatchesOfZip({ path, name, symbol: 'BTCUSDT', afterId: -1, batchTrades: 20_000 })) again.push(runs);
    expect(idsOf(again).ids).toHaveLength(50_000);
  });

  it('refuses a file that is not a zip', async () => {
    const path = join(dir, name);
    await writeFile(path, 'not a zip');
    const batches = tradeBatchesOfZip({ path, name, symbol: 'BTCUSDT', afterId: -1, batchTrades: 1_000 });
    await expect(batches.next()).rejects.toThrow(ArchiveFormatError);
  });
});
