import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Sends `payload` as the whole COPY data and ends the stream once it has left, unless the server already failed
 * the COPY (pg-copy-streams drops its connection on an error, so ending it then would only raise a second error).
 * After an error the server ignores the COPY data still arriving and answers ReadyForQuery, and pg queues the next
 * query until then, so the connection stays usable.
 */
export function copyIn(client: PoolClient, sql: string, payload: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    let failed = false;
    stream.on('error', (error: Error) => {
      failed = true;
      reject(error);
    });
    stream.on('finish', resolve);
    stream.write(payload, (error) => {
      if (!error && !failed) {
        stream.end();
      }
    });
  });
}
