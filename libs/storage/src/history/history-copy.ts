import type { HistoryRow } from './history-row';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const FIELDS = 6;
/** PostgreSQL's binary timestamps count microseconds from 2000-01-01 UTC. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

/**
 * The rows as the data of `COPY … (symbol, first_id, last_id, first_time, last_time, payload) FROM STDIN (FORMAT
 * binary)`: the payloads go in as they are, with no text escaping for PostgreSQL to undo.
 */
export function historyCopyData(rows: readonly HistoryRow[]): Buffer {
  let size = SIGNATURE.length + 8 + 2;
  for (const row of rows) {
    size += 2 + 4 * FIELDS + row.symbol.length + 8 * 4 + row.payload.length;
  }
  const data = Buffer.allocUnsafe(size);
  let at = SIGNATURE.copy(data, 0);
  at = data.writeInt32BE(0, at); // flags
  at = data.writeInt32BE(0, at); // header extension length
  for (const row of rows) {
    at = data.writeInt16BE(FIELDS, at);
    at = data.writeInt32BE(row.symbol.length, at);
    at += data.write(row.symbol, at, 'latin1');
    at = writeInt64(data, at, BigInt(row.firstId));
    at = writeInt64(data, at, BigInt(row.lastId));
    at = writeInt64(data, at, BigInt(row.firstTime - PG_EPOCH_MS) * 1000n);
    at = writeInt64(data, at, BigInt(row.lastTime - PG_EPOCH_MS) * 1000n);
    at = data.writeInt32BE(row.payload.length, at);
    at += row.payload.copy(data, at);
  }
  data.writeInt16BE(-1, at);
  return data;
}

function writeInt64(data: Buffer, at: number, value: bigint): number {
  data.writeInt32BE(8, at);
  data.writeBigInt64BE(value, at + 4);
  return at + 12;
}
