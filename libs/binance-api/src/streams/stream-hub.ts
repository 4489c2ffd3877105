import { StreamClient } from './stream-client';

/** Told when a stream gains its first follower or loses its last (sources start and stop their work on it). */
export interface StreamDemandListener {
  active(stream: string): void;
  idle(stream: string): void;
}

/**
 * Who follows which stream, and the fan-out of events to them: each event is serialized once per wire form (raw, or
 * wrapped with its stream name) whatever the number of followers, and a batch of events leaves each socket in one
 * write (`endBatch`).
 */
export class StreamHub {
  private readonly followers = new Map<string, Set<StreamClient>>();
  private readonly corked = new Set<StreamClient>();
  eventsDelivered = 0;
  slowClientsCut = 0;

  constructor(private readonly demand: StreamDemandListener) {}

  hasFollowers(stream: string): boolean {
    return this.followers.has(stream);
  }

  follow(client: StreamClient, streams: Iterable<string>): void {
    for (const stream of streams) {
      if (client.streams.has(stream)) continue;
      client.streams.add(stream);
      let set = this.followers.get(stream);
      if (set === undefined) {
        set = new Set();
        this.followers.set(stream, set);
        this.demand.active(stream);
      }
      set.add(client);
    }
  }

  unfollow(client: StreamClient, streams: Iterable<string>): void {
    for (const stream of [...streams]) {
      if (!client.streams.delete(stream)) continue;
      const set = this.followers.get(stream);
      set?.delete(client);
      if (set?.size === 0) {
        this.followers.delete(stream);
        this.demand.idle(stream);
      }
    }
  }

  forget(client: StreamClient): void {
    this.corked.delete(client);
    this.unfollow(client, client.streams);
  }

  /** Hot path: one event (its raw JSON) to every follower of `stream`. */
  publish(stream: string, rawJson: string): void {
    const set = this.followers.get(stream);
    if (set === undefined) {
      return;
    }
    let raw: Buffer | undefined;
    let combined: Buffer | undefined;
    for (const client of set) {
      if (!client.open) continue;
      const payload = client.combined ? (combined ??= Buffer.from(`{"stream":"${stream}","data":${rawJson}}`)) : (raw ??= Buffer.from(rawJson));
      if (client.sendEvent(payload)) {
        this.eventsDelivered += 1;
        this.corked.add(client);
      } else {
        this.slowClientsCut += 1;
      }
    }
  }

  /** Releases the sockets corked while publishing a batch: each sends what it got in one write. */
  endBatch(): void {
    for (const client of this.corked) client.uncork();
    this.corked.clear();
  }
}
