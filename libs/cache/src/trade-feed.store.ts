import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AggTrade } from '@binance-rates/domain';
import { RedisClient } from './redis.client';

export type TradeFeedListener = (trades: AggTrade[]) => void;

/**
 * The cluster's live trades over Redis pub/sub: the instance that streams a symbol publishes its trades in batches,
 * and every instance serving Binance-protocol streams listens, so any instance serves any symbol. Nothing is stored:
 * a listener that was not connected misses what was published meanwhile, as a Binance stream client would.
 * A message is one line per trade: `SYMBOL id price quantity firstId lastId time buyerMaker(0|1)`.
 */
@Injectable()
export class TradeFeedStore implements OnApplicationShutdown {
  private readonly logger = new Logger(TradeFeedStore.name);
  private subscriber: Redis | null = null;
  private listener: TradeFeedListener | null = null;

  constructor(private readonly client: RedisClient) {}

  private channel(): string {
    return `${this.client.keyPrefix}trades`;
  }

  /** Publishes one batch; resolves with how many listeners (over the cluster) received it. */
  publish(trades: readonly AggTrade[]): Promise<number> {
    let message = '';
    for (const trade of trades) {
      message +=
        `${message === '' ? '' : '\n'}${trade.symbol} ${trade.tradeId} ${trade.price} ${trade.quantity} ` +
        `${trade.firstTradeId} ${trade.lastTradeId} ${trade.tradeTime} ${trade.isBuyerMaker ? 1 : 0}`;
    }
    return this.client.redis.publish(this.channel(), message);
  }

  /** How many connections over the cluster listen to the feed (a publisher skips its work while none does). */
  async listenerCount(): Promise<number> {
    const reply = (await this.client.redis.pubsub('NUMSUB', this.channel())) as Array<string | number>;
    return Number(reply[1] ?? 0);
  }

  /** Starts listening (one connection per process, one listener); `onReady` runs each time the feed (re)connects. */
  listen(listener: TradeFeedListener, onReady: () => void = () => undefined): void {
    this.listener = listener;
    if (this.subscriber !== null) {
      return;
    }
    const subscriber = this.client.duplicate();
    this.subscriber = subscriber;
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel()).then(onReady, (error: Error) => this.logger.warn(`trade feed: ${error.message}`));
    });
    subscriber.on('message', (_channel: string, message: string) => this.listener?.(parseTradeFeed(message)));
  }

  /** Stops listening and closes the connection, so publishers see no listener and skip their work. */
  async stopListening(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    this.listener = null;
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopListening();
  }
}

export function parseTradeFeed(message: string): AggTrade[] {
  const trades: AggTrade[] = [];
  for (const line of message.split('\n')) {
    const fields = line.split(' ');
    if (fields.length === 8) {
      trades.push({
        symbol: fields[0],
        tradeId: Number(fields[1]),
        price: fields[2],
        quantity: fields[3],
        firstTradeId: Number(fields[4]),
        lastTradeId: Number(fields[5]),
        tradeTime: Number(fields[6]),
        isBuyerMaker: fields[7] === '1',
      });
    }
  }
  return trades;
}
