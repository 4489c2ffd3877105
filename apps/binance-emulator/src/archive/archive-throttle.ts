import { Transform } from 'node:stream';

/** Passes bytes on no faster than `bytesPerSecond` on average: a slow download, for fault injection. */
export function throttleStream(bytesPerSecond: number): Transform {
  const startedAt = Date.now();
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sent += chunk.length;
      const due = startedAt + (sent / bytesPerSecond) * 1000;
      setTimeout(() => callback(null, chunk), Math.max(0, due - Date.now()));
    },
  });
}
