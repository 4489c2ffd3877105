import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { ClientContext, Result } from 'ioredis';
import { RedisClient } from './redis.client';

/** Redis's own clock in epoch ms: the one clock every instance shares, whatever its own says. */
const REDIS_NOW_MS = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`;

/** KEYS[1]: the registry; ARGV[1]: the instance. Returns 1 when the registry already knew it, 0 when it is new there. */
const HEARTBEAT = `${REDIS_NOW_MS}
return 1 - redis.call('ZADD', KEYS[1], now, ARGV[1])
`;

/** KEYS[1]: the registry; ARGV[1]: the TTL in ms. Forgets the instances silent for longer, returns the others. */
const LIVE_MEMBERS = `${REDIS_NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
return redis.call('ZRANGE', KEYS[1], 0, -1)
`;

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    registryHeartbeat(key: string, instanceId: string): Result<number, Context>;
    registryLiveMembers(key: string, ttlMs: number): Result<string[], Context>;
  }
}

/**
 * Which service instances are alive: each one stamps its id into a sorted set with the time of its last
 * heartbeat; an instance whose stamp is older than the TTL is gone (killed, frozen or cut off). Stamps and the
 * comparison both use Redis's clock, so an instance whose clock runs ahead cannot evict its peers, nor one that lags
 * be evicted.
 */
@Injectable()
export class InstanceRegistryStore implements OnApplicationShutdown {
  private subscriber: Redis | null = null;
  /** Instances of this process that left: a heartbeat still on its way must not bring them back. */
  private readonly departed = new Set<string>();

  constructor(private readonly client: RedisClient) {
    client.redis.defineCommand('registryHeartbeat', { numberOfKeys: 1, lua: HEARTBEAT });
    client.redis.defineCommand('registryLiveMembers', { numberOfKeys: 1, lua: LIVE_MEMBERS });
  }

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

  /**
   * Stamps the instance alive. False when the registry did not know it: a first heartbeat, or Redis lost the
   * registry (a restart without persistence) or forgot the instance (it was silent for longer than the TTL).
   */
  async heartbeat(instanceId: string): Promise<boolean> {
    if (this.departed.has(instanceId)) {
      return true;
    }
    return (await this.client.redis.registryHeartbeat(this.key(), instanceId)) === 1;
  }

  /** The instances that heartbeated within the TTL, by Redis's clock; the others are forgotten. */
  async live(ttlMs: number): Promise<string[]> {
    return this.client.redis.registryLiveMembers(this.key(), ttlMs);
  }

  async leave(instanceId: string): Promise<void> {
    this.departed.add(instanceId);
    await this.client.redis.zrem(this.key(), instanceId);
  }
}
