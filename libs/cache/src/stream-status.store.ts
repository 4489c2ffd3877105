import { Injectable } from '@nestjs/common';
import { RedisClient } from './redis.client';

export interface StreamStatus {
  live: boolean;
  instanceId: string;
  /** When the owner last reported, epoch ms. */
  reportedAt: number;
}

/** Per symbol, whether its owner's stream is live: lets any instance answer for symbols another instance streams. */
@Injectable()
export class StreamStatusStore {
  constructor(private readonly client: RedisClient) {}

  private key(): string {
    return `${this.client.keyPrefix}stream-status`;
  }

  async report(instanceId: string, statuses: ReadonlyMap<string, boolean>, now = Date.now()): Promise<void> {
    if (statuses.size === 0) {
      return;
    }
    const fields: string[] = [];
    for (const [symbol, live] of statuses) {
      fields.push(symbol, `${live ? 1 : 0}|${now}|${instanceId}`);
    }
    await this.client.redis.hset(this.key(), ...fields);
  }

  async readAll(): Promise<Map<string, StreamStatus>> {
    const raw = await this.client.redis.hgetall(this.key());
    const result = new Map<string, StreamStatus>();
    for (const [symbol, value] of Object.entries(raw)) {
      const [live, reportedAt, ...instance] = value.split('|');
      result.set(symbol, { live: live === '1', reportedAt: Number(reportedAt), instanceId: instance.join('|') });
    }
    return result;
  }

  async forget(symbols: readonly string[]): Promise<void> {
    if (symbols.length > 0) {
      await this.client.redis.hdel(this.key(), ...symbols);
    }
  }
}
