import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { RedisClient } from './redis.client';

/**
 * Which service instances are alive: each one stamps its id into a sorted set with the time of its last
 * heartbeat; an instance whose stamp is older than the TTL is gone (killed, frozen or cut off).
 */
@Injectable()
export class InstanceRegistryStore implements OnApplicationShutdown {
  private subscriber: Redis | null = null;
  /** Instances of this process that left: a heartbeat still on its way must not bring them back. */
  private readonly departed = new Set<string>();

  constructor(private readonly client: RedisClient) {}

  private key(): string {
    return `${this.client.keyPrefix}instances`;
  }

  private channel(): string {
    return `${this.client.keyPrefix}cluster-changed`;
  }

  /** Tells every instance that membership changed (a join or a leave), so they rebalance now, not at their next round. */
  async announce(instanceId: string): Promise<void> {
    await this.client.redis.publish(this.channel(), instanceId);
  }

  onAnnouncement(listener: (instanceId: string) => void): void {
    this.subscriber ??= this.client.duplicate();
    void this.subscriber.subscribe(this.channel()).catch(() => undefined);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel()) listener(message);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  async heartbeat(instanceId: string, now = Date.now()): Promise<void> {
    if (this.departed.has(instanceId)) {
      return;
    }
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
    this.departed.add(instanceId);
    await this.client.redis.zrem(this.key(), instanceId);
  }
}
