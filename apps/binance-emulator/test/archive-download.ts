import { createHash } from 'node:crypto';
import { get } from 'node:http';
import { createInflateRaw } from 'node:zlib';

export interface DownloadedZip {
  status: number;
  contentType: string | undefined;
  /** Every byte received (the specs also hand them to an independent zip reader). */
  bytes: Buffer;
  sha256: string;
  /** Name of the zip's first entry, from its local file header. */
  entryName: string;
  /** Its CSV, split into rows and columns. */
  rows: string[][];
}

const LOCAL_FILE_HEADER = 0x04034b50;
const DEFLATE = 8;

/**
 * Downloads a zip and unzips its first entry while it arrives, the way an importer streams an archive file: the
 * local file header is read from the first bytes, the deflate data after it goes through zlib as it comes (a streamed
 * entry's sizes only follow its data, and deflate data ends by itself; zlib ignores the descriptor after it).
 */
export function downloadZip(url: string, timeoutMs = 30_000): Promise<DownloadedZip> {
  return new Promise((resolve, reject) => {
    const request = get(url, { timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      const hash = createHash('sha256');
      const inflate = createInflateRaw();
      const text: string[] = [];
      let header: Buffer | null = Buffer.alloc(0);
      let entryName = '';
      inflate.setEncoding('latin1');
      inflate.on('data', (chunk: string) => text.push(chunk));
      inflate.on('error', reject);
      // zlib ends the entry by itself once the deflate data is complete, which may be before the response ends.
      const inflated = new Promise<void>((done) => inflate.once('end', done));
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        hash.update(chunk);
        if (response.statusCode !== 200) {
          return;
        }
        if (header === null) {
          inflate.write(chunk);
          return;
        }
        header = Buffer.concat([header, chunk]);
        if (header.length < 30) {
          return;
        }
        if (header.readUInt32LE(0) !== LOCAL_FILE_HEADER || header.readUInt16LE(8) !== DEFLATE) {
          reject(new Error('not a deflated zip entry'));
          return;
        }
        const nameLength = header.readUInt16LE(26);
        const dataStart = 30 + nameLength + header.readUInt16LE(28);
        if (header.length < dataStart) {
          return;
        }
        entryName = header.subarray(30, 30 + nameLength).toString('utf8');
        if (header.length > dataStart) {
          inflate.write(header.subarray(dataStart));
        }
        header = null;
      });
      response.on('error', reject);
      response.on('end', () => {
        const finish = () => {
          const csv = text.join('');
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'],
            bytes: Buffer.concat(chunks),
            sha256: hash.digest('hex'),
            entryName,
            rows: csv === '' ? [] : csv.trimEnd().split('\n').map((line) => line.split(',')),
          });
        };
        if (response.statusCode === 200) {
          inflate.end();
          inflated.then(finish, reject);
        } else {
          finish();
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/** A small body (a `.CHECKSUM`, an error) as text. */
export async function downloadText(url: string): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}
