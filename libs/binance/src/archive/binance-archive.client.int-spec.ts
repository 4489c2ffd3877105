import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import { TradeRunBatch, dailyFile, lastIdOf, parseDay } from '@binance-rates/domain';
import { AggTradeCsvDecoder } from './agg-trade-csv.decoder';
import { ArchiveChecksumMismatchError, ArchiveFormatError, ArchiveUnavailableError } from './archive.errors';
import { BinanceArchiveClient } from './binance-archive.client';
import { csvChunksOfZip } from './zip-entries.reader';

/** A zip of one CSV entry, made as the archive makes them. */
async function zipOf(entryName: string, csv: string): Promise<Buffer> {
  const zip = new ZipFile();
  zip.addBuffer(Buffer.from(csv, 'latin1'), entryName);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function csvRows(firstId: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `${firstId + i},1.50000000,2.00000000,${firstId + i},${firstId + i},${1704067200000 + i},False,True\n`).join('');
}

type Route = (response: ServerResponse) => void;

/** An archive of a few files, with routes a test can replace by a fault. */
class FakeArchive {
  readonly routes = new Map<string, Route[]>();
  readonly server: Server = createServer((request, response) => {
    const queue = this.routes.get(request.url ?? '');
    const route = queue && queue.length > 1 ? queue.shift() : queue?.[0];
    if (route === undefined) {
      response.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    route(response);
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Serves `zip` and a `.CHECKSUM` for it (or for `checksumOf` instead). */
  publish(path: string, zip: Buffer, checksumOf: Buffer = zip): void {
    const sha = createHash('sha256').update(checksumOf).digest('hex');
    this.routes.set(path, [(response) => response.writeHead(200).end(zip)]);
    this.routes.set(`${path}.CHECKSUM`, [(response) => response.writeHead(200).end(`${sha}  ${path.split('/').pop()}\n`)]);
  }
}

describe('BinanceArchiveClient', () => {
  const file = dailyFile('BTCUSDT', parseDay('2024-01-01') as number);
  const path = '/data/spot/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-2024-01-01.zip';
  let archive: FakeArchive;
  let dir: string;
  let client: BinanceArchiveClient;

  beforeEach(async () => {
    archive = new FakeArchive();
    await new Promise<void>((resolve) => archive.server.listen(0, '127.0.0.1', resolve));
    dir = await mkdtemp(join(tmpdir(), 'archive-client-'));
    client = new BinanceArchiveClient({ baseUrl: `${archive.url}/`, idleTimeoutMs: 300, attempts: 3, retryDelayMs: 10 });
  });

  afterEach(async () => {
    archive.server.closeAllConnections();
    await new Promise((resolve) => archive.server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  async function tradesOf(zipPath: string): Promise<number[]> {
    const decoder = new AggTradeCsvDecoder('BTCUSDT', 'test.zip');
    const batch = new TradeRunBatch();
    for await (const chunk of csvChunksOfZip(zipPath, 'test.zip')) decoder.decode(chunk, batch, -1);
    decoder.end(batch, -1);
    return batch.seal().flatMap((run) => Array.from({ length: lastIdOf(run) - run.firstId + 1 }, (_, index) => run.firstId + index));
  }

  it('downloads a file, verifies its checksum and reads its trades from the zip on disk', async () => {
    archive.publish(path, await zipOf('BTCUSDT-aggTrades-2024-01-01.csv', csvRows(1, 5_000)));
    const download = await client.download(file, { dir });
    expect(download.kind).toBe('verified');
    if (download.kind !== 'verified') return;
    const ids = await tradesOf(download.path);
    expect(ids).toHaveLength(5_000);
    expect(ids[4_999]).toBe(5_000);
    await download.discard();
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a file the archive does not hold as missing', async () => {
    await expect(client.download(file, { dir })).resolves.toEqual({ kind: 'missing' });
  });

  it('refuses a file whose checksum does not match, naming it and keeping nothing of it', async () => {
    const zip = await zipOf('a.csv', csvRows(1, 10));
    archive.publish(path, zip, Buffer.from('something else'));
    const download = client.download(file, { dir });
    await expect(download).rejects.toThrow(ArchiveChecksumMismatchError);
    await expect(download).rejects.toThrow(/BTCUSDT-aggTrades-2024-01-01\.zip/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('retries a server error and a silent server, then succeeds', async () => {
    archive.publish(path, await zipOf('a.csv', csvRows(1, 10)));
    const good = archive.routes.get(path)![0]!;
    archive.routes.set(path, [(response) => response.writeHead(503).end(), () => undefined, good]);
    const download = await client.download(file, { dir });
    expect(download.kind).toBe('verified');
  });

  it('gives up after its tries with an error naming the file', async () => {
    archive.publish(path, await zipOf('a.csv', csvRows(1, 10)));
    archive.routes.set(path, [(response) => response.writeHead(500).end()]);
    const download = client.download(file, { dir });
    await expect(download).rejects.toThrow(ArchiveUnavailableError);
    await expect(download).rejects.toThrow(/BTCUSDT-aggTrades-2024-01-01\.zip: .*500 \(3 tries\)/);
  });

  it('refuses a checksum file that holds no SHA-256', async () => {
    archive.publish(path, await zipOf('a.csv', csvRows(1, 10)));
    archive.routes.set(`${path}.CHECKSUM`, [(response) => response.writeHead(200).end('<html>maintenance</html>')]);
    await expect(client.download(file, { dir })).rejects.toThrow(ArchiveFormatError);
  });

  it('stops a download when its signal aborts', async () => {
    archive.publish(path, await zipOf('a.csv', csvRows(1, 10)));
    archive.routes.set(path, [(response) => response.writeHead(200).write('PK')]);
    const abort = new AbortController();
    const download = client.download(file, { dir, signal: abort.signal });
    setTimeout(() => abort.abort(new Error('import cancelled')), 50);
    await expect(download).rejects.toThrow('import cancelled');
    expect(existsSync(join(dir, 'BTCUSDT-aggTrades-2024-01-01.zip.part'))).toBe(false);
  });

  it('refuses a verified file that is not a zip', async () => {
    archive.publish(path, Buffer.from('not a zip at all'));
    const download = await client.download(file, { dir });
    if (download.kind !== 'verified') throw new Error('expected a verified file');
    await expect(tradesOf(download.path)).rejects.toThrow(ArchiveFormatError);
  });
});
