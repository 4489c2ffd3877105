import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { InputQuarantine } from '@binance-rates/binance';
import { BackfillRunner, StreamSupervisor, WritePipeline } from '@binance-rates/ingestion';
import { PricePushService } from './price-push.service';

const PREFIX = 'binance_rates_';

/**
 * Prometheus metrics, read when scraped from the counters the services keep anyway, so the trade path does no extra
 * work for them. A registry of its own (not prom-client's global one), so two apps in one process never collide.
 */
@Injectable()
export class MetricsService {
  private readonly registry = new Registry();

  constructor(
    pipeline: WritePipeline,
    backfill: BackfillRunner,
    supervisor: StreamSupervisor,
    push: PricePushService,
    quarantine: InputQuarantine,
  ) {
    collectDefaultMetrics({ register: this.registry });
    const stream = () => supervisor.status();
    this.counter('trades_accepted_total', 'Trades taken in from the stream and the backfill', () => pipeline.stats().acceptedTrades);
    this.counter('trades_persisted_total', 'Trades in history batches stored in PostgreSQL (one the key already held counts too)', () => pipeline.stats().persistedTrades);
    this.counter('trades_shed_total', 'Trades shed while the history buffer was full: recorded as gaps and backfilled', () => pipeline.stats().shedTrades);
    this.counter('trades_rejected_total', 'Trades refused as not storable', () => pipeline.stats().rejectedTrades);
    this.labelledCounter(
      'trades_quarantined_total',
      'Input refused as hostile or impossible (stream frames, REST answers, rows PostgreSQL refuses), by kind; the first of each kind is logged',
      'kind',
      () => quarantine.counts(),
    );
    this.counter('stream_ids_stale_total', 'Live trades dropped because their id was at or below the last one (duplicates)', () => supervisor.idStats().staleIds);
    this.labelledCounter(
      'stream_id_discontinuities_total',
      'Live id discontinuities by kind: suspect (jump beyond plausible, dropped), confirmed_jump, outlier, reset',
      'kind',
      () => supervisor.idStats().discontinuities,
    );
    this.counter('trades_backfilled_total', 'Trades fetched over REST to fill gaps', () => backfill.stats().filledTrades);
    this.counter('latest_price_writes_total', 'Latest prices written to Redis (one per symbol per flush)', () => pipeline.stats().latestPriceWrites);
    this.counter('history_write_failures_total', 'Failed history batch writes (retried)', () => pipeline.stats().historyFailures);
    this.counter('latest_price_write_failures_total', 'Failed latest-price flushes (retried)', () => pipeline.stats().latestFailures);
    this.counter('stream_reconnects_total', 'Stream connections replaced after a loss', () => stream()?.reconnects ?? 0);
    this.counter('stream_renewals_total', 'Stream connections renewed make-before-break', () => stream()?.renewals ?? 0);
    this.gauge('history_pending_trades', 'Trades accepted and not yet in PostgreSQL', () => pipeline.stats().pendingTrades);
    this.gauge('history_pending_high_water_trades', 'Most trades ever waiting for PostgreSQL at once', () => pipeline.stats().pendingHighWater);
    this.gauge('history_writes_healthy', '1 while history writes to PostgreSQL succeed', () => Number(pipeline.stats().historyHealthy));
    this.gauge('latest_price_writes_healthy', '1 while latest-price writes to Redis succeed', () => Number(pipeline.stats().latestHealthy));
    this.gauge('backfill_queued_jobs', 'Gap fills waiting for their turn', () => backfill.stats().queued);
    this.gauge('backfill_unrecorded_gaps', 'Gaps held in memory because PostgreSQL could not record them yet', () => backfill.stats().unrecorded);
    this.gauge('stream_symbols', 'Symbols this instance streams', () => stream()?.desiredSymbols ?? 0);
    this.gauge('stream_symbols_live', 'Symbols this instance streams whose subscription is live', () => stream()?.liveSymbols ?? 0);
    this.gauge('stream_connections', 'Stream connections this instance keeps', () => stream()?.connections ?? 0);
    this.gauge('stream_connections_open', 'Stream connections open now', () => stream()?.openConnections ?? 0);
    this.gauge('price_push_clients', 'Clients following live prices', () => push.clientCount);
    this.gauge('price_push_follows', 'Symbols followed per live-push round over all clients (every tracked one for a client naming none)', () => push.followsPerRound);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  private counter(name: string, help: string, read: () => number): void {
    let reported = 0;
    new Counter({
      name: PREFIX + name,
      help,
      registers: [this.registry],
      collect() {
        const value = read();
        this.inc(Math.max(0, value - reported));
        reported = Math.max(reported, value);
      },
    });
  }

  /** A counter per label value, each reported as the difference since the last scrape, like `counter`. */
  private labelledCounter(name: string, help: string, label: string, read: () => Partial<Record<string, number>>): void {
    const reported = new Map<string, number>();
    new Counter({
      name: PREFIX + name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect() {
        for (const [value, count = 0] of Object.entries(read())) {
          const before = reported.get(value) ?? 0;
          this.inc({ [label]: value }, Math.max(0, count - before));
          reported.set(value, Math.max(before, count));
        }
      },
    });
  }

  private gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name: PREFIX + name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }
}
