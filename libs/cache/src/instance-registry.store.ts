import { Injectable } from '@nestjs/common';
import { RedisClient } from './redis.client';

/**
 * Which service instances are alive: each one stamps its id into a sorted set with the time of its last
 * heartbeat; an instance whose stamp is older than the TTL is gone (killed, frozen or cut off).
 */
@Injectable()
export class InstanceRegistryStore {
  constructor(private readonly client: RedisClient) {}

  private key(): string {
    return `${this.client.keyPrefix}instances`;
  }

  async heartbeat(instanceId: string, now = Date.now()): Promise<void> {
    await this.client.redis.zadd(this.key(), now, instanceId);
  }

  async live(ttlMs: number, now = Date.now()): Promise<string[]> {
    const key = this.key();
    const [, [, members]] = (await this.client.redis
      .multi()
      .zremrangebyscore(key, '-inf', String(now - ttlMs))
      .zrange(key, '0', '-1')
      .exec()) as [[Error | null, number], [Error | null, string[]]];
    return members;
  }

  async leave(instanceId: string): Promise<void> {
    await this.client.redis.zrem(this.key(), instanceId);
  }
}
