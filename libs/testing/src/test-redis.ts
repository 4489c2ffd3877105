import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

export function testRedisUrl(): string {
  return process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}

/** A key prefix no other test (or parallel jest worker) uses, e.g. `t:1234:9f3a01bc:`. */
export function testRedisPrefix(): string {
  return `t:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN + UNLINK, so it never blocks Redis). Returns how many it removed. */
export async function cleanupRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  if (prefix.length === 0) {
    throw new Error('Refusing to clean up an empty Redis prefix (that would be every key)');
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let removed = 0;
  try {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        removed += await redis.unlink(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}
