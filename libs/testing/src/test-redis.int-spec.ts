import Redis from 'ioredis';
import { cleanupRedisPrefix, testRedisPrefix, testRedisUrl } from './test-redis';

describe('test-redis', () => {
  it('hands out unique prefixes', () => {
    const a = testRedisPrefix();
    expect(a).toMatch(new RegExp(`^t:${process.pid}:[0-9a-f]{8}:$`));
    expect(testRedisPrefix()).not.toBe(a);
  });

  it('deletes every key under a prefix and nothing else', async () => {
    const mine = testRedisPrefix();
    const other = testRedisPrefix();
    const redis = new Redis(testRedisUrl());
    try {
      const pipeline = redis.pipeline();
      for (let i = 0; i < 2500; i++) {
        pipeline.set(`${mine}k${i}`, '1');
      }
      pipeline.set(`${other}keep`, '1');
      await pipeline.exec();

      await expect(cleanupRedisPrefix(testRedisUrl(), mine)).resolves.toBe(2500);
      await expect(redis.exists(`${mine}k1`)).resolves.toBe(0);
      await expect(redis.get(`${other}keep`)).resolves.toBe('1');
    } finally {
      await cleanupRedisPrefix(testRedisUrl(), other);
      redis.disconnect();
    }
  });

  it('refuses an empty prefix', async () => {
    await expect(cleanupRedisPrefix(testRedisUrl(), '')).rejects.toThrow(/empty/);
  });
});
