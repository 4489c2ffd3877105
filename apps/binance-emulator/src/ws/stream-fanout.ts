import type { SymbolMarket } from '../market/symbol-market';
import type { StoredAggTrade } from '../market/trade-history';
import type { ClientSession } from './client-session';
import { aggTradeEventJson, combinedEventJson, tradeEventJson } from './event-serializer';

/**
 * Which sessions listen to which stream, and the delivery of each trade to them: one serialization per wire form,
 * sockets corked until the end of the batch, slow consumers cut off.
 */
export class StreamFanout {
  private readonly subscribers = new Map<string, Set<ClientSession>>();
  private readonly corked: ClientSession[] = [];
  /** Per-event cache of the four wire forms (see ClientSession.form), reset for every event. */
  private readonly forms: Array<Buffer | undefined> = [undefined, undefined, undefined, undefined];
  slowConsumerDisconnects = 0;
  messagesSent = 0;

  /** A client whose unsent backlog exceeds `maxBufferedBytes` is cut off, as Binance drops slow consumers. */
  constructor(private readonly maxBufferedBytes: number) {}

  subscribe(connection: ClientSession, streams: string[]): void {
    for (const stream of streams) {
      connection.streams.add(stream);
      let set = this.subscribers.get(stream);
      if (set === undefined) {
        set = new Set();
        this.subscribers.set(stream, set);
      }
      set.add(connection);
    }
  }

  unsubscribe(connection: ClientSession, streams: string[]): void {
    for (const stream of streams) {
      connection.streams.delete(stream);
      this.subscribers.get(stream)?.delete(connection);
    }
  }

  /** The session is gone: it leaves every stream it was subscribed to. */
  forget(connection: ClientSession): void {
    for (const stream of connection.streams) {
      const set = this.subscribers.get(stream);
      set?.delete(connection);
      if (set?.size === 0) {
        this.subscribers.delete(stream);
      }
    }
  }

  /** Fan-out of one aggregate trade to `@aggTrade` subscribers and its fills to `@trade` subscribers. */
  publishTrade(market: SymbolMarket, trade: StoredAggTrade, eventTime: number): void {
    const aggSubscribers = this.subscribers.get(market.aggTradeStream);
    if (aggSubscribers !== undefined) {
      market.sentCount += this.deliver(aggSubscribers, market.aggTradeStream, (scale) =>
        aggTradeEventJson(market, trade, eventTime, scale),
      );
    }
    const tradeSubscribers = this.subscribers.get(market.tradeStream);
    if (tradeSubscribers !== undefined) {
      for (let fill = 0; fill < trade.tradeCount; fill++) {
        market.sentCount += this.deliver(tradeSubscribers, market.tradeStream, (scale) =>
          tradeEventJson(market, trade, fill, eventTime, scale),
        );
      }
    }
  }

  /** Releases the sockets corked during a batch, so each batch leaves as one write per connection. */
  flush(): void {
    for (const connection of this.corked) {
      connection.uncork();
    }
    this.corked.length = 0;
  }

  private deliver(subscribers: Set<ClientSession>, stream: string, build: (timeScale: number) => string): number {
    const forms = this.forms;
    forms[0] = forms[1] = forms[2] = forms[3] = undefined;
    let sent = 0;
    for (const connection of subscribers) {
      if (connection.frozen || !connection.isOpen) {
        continue;
      }
      if (connection.bufferedAmount > this.maxBufferedBytes) {
        this.slowConsumerDisconnects++;
        connection.terminate();
        continue;
      }
      let payload = forms[connection.form];
      if (payload === undefined) {
        const raw = build(connection.timeScale);
        payload = Buffer.from(connection.combined ? combinedEventJson(stream, raw) : raw);
        forms[connection.form] = payload;
      }
      if (!connection.corked) {
        this.corked.push(connection);
      }
      connection.sendData(payload);
      sent++;
    }
    this.messagesSent += sent;
    return sent;
  }
}
