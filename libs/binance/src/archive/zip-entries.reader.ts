import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ArchiveFormatError } from './archive.errors';

const openZip = promisify<string, yauzl.Options, ZipFile>(yauzl.open);

/**
 * The uncompressed bytes of every `.csv` entry of a zip file on disk, chunk by chunk: nothing but the chunk in hand is
 * held, however large the entry (a month of BTCUSDT is about a gigabyte of CSV).
 *
 * yauzl, not a streaming unzipper: a zip's true entry sizes are in its central directory at the end, and the archive's
 * zips (like any zip written while streamed) may carry sizes only after the data, which forward-only readers guess at.
 * yauzl reads the directory first from the file, checks each entry's CRC-32 as it inflates, and is small,
 * dependency-light and maintained; the zip is on disk anyway, since its checksum is verified before anything is read.
 */
export async function* csvChunksOfZip(path: string, name: string): AsyncGenerator<Buffer> {
  let zip: ZipFile;
  try {
    zip = await openZip(path, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true });
  } catch (error) {
    throw new ArchiveFormatError(name, `not a readable zip: ${(error as Error).message}`);
  }
  try {
    let csvEntries = 0;
    for (let entry = await nextEntry(zip); entry !== null; entry = await nextEntry(zip)) {
      if (!entry.fileName.toLowerCase().endsWith('.csv')) {
        continue;
      }
      csvEntries += 1;
      const stream = await promisify<Entry, Readable>(zip.openReadStream.bind(zip))(entry);
      try {
        for await (const chunk of stream) {
          yield chunk as Buffer;
        }
      } catch (error) {
        throw new ArchiveFormatError(name, `entry ${entry.fileName} could not be inflated: ${(error as Error).message}`);
      } finally {
        stream.destroy();
      }
    }
    if (csvEntries === 0) {
      throw new ArchiveFormatError(name, 'holds no .csv entry');
    }
  } catch (error) {
    throw error instanceof ArchiveFormatError ? error : new ArchiveFormatError(name, `could not be read: ${(error as Error).message}`);
  } finally {
    zip.close();
  }
}

/** The zip's next entry, or null after the last. */
function nextEntry(zip: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanUp = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: Entry) => {
      cleanUp();
      resolve(entry);
    };
    const onEnd = () => {
      cleanUp();
      resolve(null);
    };
    const onError = (error: Error) => {
      cleanUp();
      reject(error);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}
