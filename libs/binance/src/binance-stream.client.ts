import { Logger } from '@nestjs/common';
import { AggTrade, Backoff, SlidingWindowLimiter, aggTradeStreamName } from '@binance-rates/domain';
import { BinanceStreamClientOptions, ResolvedStreamClientOptions, withStreamLimitDefaults } from './binance-stream-client.options';
import { InputQuarantine } from './input-quarantine';
import { ConnectionState, StreamConnection, StreamConnectionListener } from './stream-connection';

export interface StreamClientListener {
  onTrade(trade: AggTrade): void;
  /** These symbols are now live on an open connection (first time, or again after a reconnect or renewal). */
  onSymbolsLive(symbols: readonly string[]): void;
  /** These symbols lost their live stream; trades are being missed until they come back. */
  onSymbolsInterrupted(symbols: readonly string[]): void;
}

export interface StreamClientStatus {
  connections: number;
  openConnections: number;
  desiredSymbols: number;
  liveSymbols: number;
  reconnects: number;
  renewals: number;
  framesSent: number;
}

interface Slot {
  id: number;
  symbols: Set<string>;
  current: StreamConnection | null;
  replacement: StreamConnection | null;
  backoff: Backoff;
  retryTimer: NodeJS.Timeout | null;
}

const SUPERVISOR_TICK_MS = 500;

/**
 * Spreads symbols over combined-stream connections of bounded size and keeps every one of them connected:
 * reconnect with backoff and jitter after a drop, make-before-break renewal before the 24 h cut or when the
 * server announces a shutdown, and paced connection opens.
 */
export class BinanceStreamClient {
  private readonly logger = new Logger(BinanceStreamClient.name);
  private readonly slots = new Map<number, Slot>();
  private readonly slotOf = new Map<string, Slot>();
  private readonly opens: SlidingWindowLimiter;
  private readonly supervisor: NodeJS.Timeout;
  private nextSlotId = 1;
  private nextConnectionId = 1;
  private reconnects = 0;
  private renewals = 0;
  private retiredFramesSent = 0;
  private stopped = false;
  private readonly options: ResolvedStreamClientOptions;
  private readonly quarantine: InputQuarantine;

  constructor(
    options: BinanceStreamClientOptions,
    private readonly listener: StreamClientListener,
  ) {
    this.options = withStreamLimitDefaults(options);
    this.quarantine = options.quarantine ?? new InputQuarantine();
    this.opens = new SlidingWindowLimiter(this.options.maxOpensPerWindow, this.options.opensWindowMs);
    this.supervisor = setInterval(() => this.superviseAll(), SUPERVISOR_TICK_MS);
  }

  add(symbol: string): void {
    if (this.stopped || this.slotOf.has(symbol)) {
      return;
    }
    const slot = this.slotWithRoom();
    slot.symbols.add(symbol);
    this.slotOf.set(symbol, slot);
    const stream = aggTradeStreamName(symbol);
    slot.current?.add(stream);
    slot.replacement?.add(stream);
    if (!slot.current && !slot.retryTimer) {
      this.connect(slot);
    }
  }

  remove(symbol: string): void {
    const slot = this.slotOf.get(symbol);
    if (!slot) {
      return;
    }
    this.slotOf.delete(symbol);
    slot.symbols.delete(symbol);
    const stream = aggTradeStreamName(symbol);
    slot.current?.remove(stream);
    slot.replacement?.remove(stream);
    if (slot.symbols.size === 0) {
      this.retire(slot, 'no symbols left');
    }
  }

  has(symbol: string): boolean {
    return this.slotOf.has(symbol);
  }

  symbols(): string[] {
    return [...this.slotOf.keys()];
  }

  /** True when the symbol's stream is acknowledged on an open connection. */
  isLive(symbol: string): boolean {
    const slot = this.slotOf.get(symbol);
    return !!slot?.current && slot.current.state === ConnectionState.Open && slot.current.isSubscribed(aggTradeStreamName(symbol));
  }

  status(): StreamClientStatus {
    let openConnections = 0;
    let connections = 0;
    let framesSent = this.retiredFramesSent;
    for (const slot of this.slots.values()) {
      for (const connection of [slot.current, slot.replacement]) {
        if (connection) {
          connections += 1;
          framesSent += connection.framesSent;
          if (connection.state === ConnectionState.Open) {
            openConnections += 1;
          }
        }
      }
    }
    let liveSymbols = 0;
    for (const symbol of this.slotOf.keys()) {
      if (this.isLive(symbol)) {
        liveSymbols += 1;
      }
    }
    return {
      connections,
      openConnections,
      desiredSymbols: this.slotOf.size,
      liveSymbols,
      reconnects: this.reconnects,
      renewals: this.renewals,
      framesSent,
    };
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.supervisor);
    for (const slot of [...this.slots.values()]) {
      this.retire(slot, 'client stopped');
    }
    this.slotOf.clear();
  }

  private slotWithRoom(): Slot {
    for (const slot of this.slots.values()) {
      if (slot.symbols.size < this.options.streamsPerConnection) {
        return slot;
      }
    }
    const slot: Slot = {
      id: this.nextSlotId++,
      symbols: new Set(),
      current: null,
      replacement: null,
      backoff: new Backoff(this.options.backoff),
      retryTimer: null,
    };
    this.slots.set(slot.id, slot);
    return slot;
  }

  private retire(slot: Slot, reason: string): void {
    this.slots.delete(slot.id);
    if (slot.retryTimer) {
      clearTimeout(slot.retryTimer);
      slot.retryTimer = null;
    }
    for (const connection of [slot.current, slot.replacement]) {
      if (connection) {
        this.retiredFramesSent += connection.framesSent;
        connection.close(reason);
      }
    }
    slot.current = null;
    slot.replacement = null;
  }

  private openConnection(slot: Slot): StreamConnection | null {
    const now = Date.now();
    if (!this.opens.tryTake(now)) {
      return null;
    }
    const listener: StreamConnectionListener = {
      onTrade: this.listener.onTrade,
      onSubscribed: (connection, streams) => this.handleSubscribed(slot, connection, streams),
      onServerShutdown: (connection) => this.handleServerShutdown(slot, connection),
      onClosed: (connection, reason) => this.handleClosed(slot, connection, reason),
    };
    const streams = [...slot.symbols].map(aggTradeStreamName);
    return new StreamConnection(
      {
        id: `${slot.id}.${this.nextConnectionId++}`,
        baseUrl: this.options.baseUrl,
        maxOutgoingPerSecond: this.options.maxOutgoingPerSecond,
        maxStreamsPerMessage: this.options.maxStreamsPerMessage,
        timings: this.options.timings,
        quarantine: this.quarantine,
      },
      listener,
      streams,
    );
  }

  private connect(slot: Slot): void {
    slot.retryTimer = null;
    if (this.stopped || !this.slots.has(slot.id) || slot.current) {
      return;
    }
    const connection = this.openConnection(slot);
    if (!connection) {
      this.scheduleConnect(slot, this.opens.delayUntilAllowed(Date.now()));
      return;
    }
    slot.current = connection;
  }

  private scheduleConnect(slot: Slot, delayMs: number): void {
    if (slot.retryTimer || this.stopped) {
      return;
    }
    slot.retryTimer = setTimeout(() => this.connect(slot), delayMs);
  }

  /** Make-before-break: the replacement subscribes everything before the old connection is closed. */
  private startRenewal(slot: Slot, why: string): void {
    if (slot.replacement || !slot.current || this.stopped) {
      return;
    }
    const replacement = this.openConnection(slot);
    if (!replacement) {
      return;
    }
    this.logger.log(`renewing connection ${slot.current.id} (${why}) with ${replacement.id}`);
    slot.replacement = replacement;
  }

  private handleSubscribed(slot: Slot, connection: StreamConnection, streams: readonly string[]): void {
    if (connection === slot.replacement) {
      if (connection.isReady()) {
        const old = slot.current;
        slot.current = connection;
        slot.replacement = null;
        slot.backoff.markHealthy(Date.now());
        this.renewals += 1;
        if (old) {
          this.retiredFramesSent += old.framesSent;
          old.close('renewed');
        }
        // Only what the new connection acknowledged: a stream Binance refused counts as ready, not as live.
        this.listener.onSymbolsLive([...slot.symbols].filter((symbol) => connection.isSubscribed(aggTradeStreamName(symbol))));
      }
      return;
    }
    if (connection === slot.current) {
      slot.backoff.markHealthy(Date.now());
      this.listener.onSymbolsLive(streams.map((stream) => stream.slice(0, stream.indexOf('@')).toUpperCase()));
    }
  }

  private handleServerShutdown(slot: Slot, connection: StreamConnection): void {
    if (connection === slot.current) {
      this.startRenewal(slot, 'server shutdown announced');
    }
  }

  private handleClosed(slot: Slot, connection: StreamConnection, reason: string): void {
    if (connection === slot.replacement) {
      this.logger.warn(`replacement connection ${connection.id} closed before it was ready: ${reason}`);
      slot.replacement = null;
      this.retiredFramesSent += connection.framesSent;
      return;
    }
    if (connection !== slot.current) {
      return;
    }
    this.retiredFramesSent += connection.framesSent;
    slot.current = null;
    if (this.stopped || !this.slots.has(slot.id)) {
      return;
    }
    this.logger.warn(`connection ${connection.id} lost: ${reason}`);
    this.listener.onSymbolsInterrupted([...slot.symbols]);
    if (slot.replacement) {
      // A renewal was already under way: promote it instead of opening yet another connection.
      slot.current = slot.replacement;
      slot.replacement = null;
      return;
    }
    this.reconnects += 1;
    this.scheduleConnect(slot, slot.backoff.nextDelay(Date.now()));
  }

  private superviseAll(): void {
    for (const slot of this.slots.values()) {
      const current = slot.current;
      // Also renews a connection whose server announced a shutdown that could not be acted on at once: one announced
      // on a replacement before it took over, or a renewal the connection-open budget refused.
      if (current && current.state === ConnectionState.Open && (current.closing || current.ageMs >= this.options.renewAfterMs)) {
        this.startRenewal(slot, current.closing ? 'server shutdown announced' : 'lifetime');
      }
      if (slot.replacement?.isReady() && slot.current) {
        this.handleSubscribed(slot, slot.replacement, []);
      }
      if (!slot.current && !slot.retryTimer && slot.symbols.size > 0) {
        this.scheduleConnect(slot, this.opens.delayUntilAllowed(Date.now()));
      }
    }
  }
}
