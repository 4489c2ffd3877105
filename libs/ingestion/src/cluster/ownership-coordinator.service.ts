import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { InstanceRegistryStore, LeaseManager, StreamStatusStore } from '@binance-rates/cache';
import { LoopProgress, planOwnership } from '@binance-rates/domain';
import { StreamSupervisor } from '../live/stream-supervisor.service';
import { TrackedSymbolsChange, TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { OrphanWatch } from './orphan-watch';
import { StreamStatusView } from './stream-status.view';

/** A symbol picked up as an orphan is not handed back before this, so two views of the cluster cannot flap. */
const ADOPTION_HOLD_MS = 15_000;
/** Lease requests in flight at once when many symbols arrive together (a startup, 2,000 symbols added). */
const ACQUIRE_CONCURRENCY = 100;
const CHANGE_ROUND_DELAY_MS = 20;
/**
 * After the registry forgot this instance (Redis restarted empty), rounds only keep what this instance holds for
 * this many renewal intervals: every live instance heartbeats and re-takes its own leases once per interval, so after
 * two of them the registry and the leases are whole again and the assignment is the one from before the restart.
 */
const SETTLE_RENEWALS = 2;

/**
 * Decides which tracked symbols this instance streams. Every instance heartbeats into Redis, computes the same
 * balanced assignment of symbols to live instances, takes leases for its own symbols and hands the others over
 * (make-before-break: it keeps streaming a handed-over symbol for a grace period while the new owner subscribes).
 * Symbols whose lease nobody holds for a while are adopted by whoever is below its share. Lost leases stop the
 * stream at once; while Redis is unreachable nothing changes and every instance keeps streaming what it owns.
 */
@Injectable()
export class OwnershipCoordinator {
  private readonly logger = new Logger(OwnershipCoordinator.name);
  private readonly me: string;
  private readonly adoptedAt = new Map<string, number>();
  private readonly handoverTimers = new Map<string, NodeJS.Timeout>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private tickAgain = false;
  private stopping = false;
  private redisDownSince: number | null = null;
  /** Until then, rounds keep what this instance holds and take or hand over nothing (see SETTLE_RENEWALS). */
  private settleUntil = 0;
  private announced = false;
  private lastPeriodicAt = 0;
  /** When the last round ended, failed ones included: for liveness, a round is due every LEASE_RENEW_MS. */
  private lastRoundEndedAt = Date.now();
  private orphaned = new Set<string>();
  private changeTimer: NodeJS.Timeout | null = null;
  private readonly orphans: OrphanWatch;

  constructor(
    private readonly config: AppConfig,
    private readonly tracked: TrackedSymbolsService,
    private readonly supervisor: StreamSupervisor,
    private readonly leases: LeaseManager,
    private readonly instances: InstanceRegistryStore,
    private readonly streamStatus: StreamStatusStore,
    private readonly statusView: StreamStatusView,
  ) {
    this.me = config.instanceId;
    this.orphans = new OrphanWatch(config.cluster.leaseRenewMs * 2);
  }

  /** Joins the cluster: announces this instance, runs a first round, then one every LEASE_RENEW_MS. */
  async start(): Promise<void> {
    this.instances.onAnnouncement((instanceId) => {
      if (instanceId !== this.me) this.tickSoon();
    });
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.cluster.leaseRenewMs);
    this.logger.log(`instance ${this.me} streams ${this.supervisor.streamedSymbols().length} of ${this.tracked.list().length} tracked symbols`);
  }

  /** A removed symbol stops streaming at once; any change starts a round soon. */
  applyChange({ removed }: TrackedSymbolsChange): void {
    if (removed.length > 0) {
      this.supervisor.unstream(removed);
    }
    this.tickSoon();
  }

  /** Runs no more rounds; resolves once the one running (if any) has finished. */
  stopRounds(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    if (this.changeTimer) clearTimeout(this.changeTimer);
    for (const timer of this.handoverTimers.values()) clearTimeout(timer);
    return this.ticking ?? Promise.resolve();
  }

  /** Gives every lease back and leaves the cluster, so the others take this instance's symbols over at once. */
  async leave(): Promise<void> {
    await this.leases.releaseAll().catch((error: Error) => this.logger.warn(`leases not released: ${error.message}`));
    await this.instances.leave(this.me).catch(() => undefined);
    await this.instances.announce(this.me).catch(() => undefined);
  }

  /** For liveness: the next round is owed from the end of the last one; nothing once the rounds have stopped. */
  progress(): LoopProgress {
    return { waitingSince: this.stopping ? null : this.lastRoundEndedAt, stepWithinMs: this.config.cluster.leaseRenewMs };
  }

  /** Changes arrive in bursts (2,000 symbols added at once): one round per short window serves them all. */
  private tickSoon(): void {
    this.changeTimer ??= setTimeout(() => {
      this.changeTimer = null;
      void this.tick();
    }, CHANGE_ROUND_DELAY_MS);
  }

  /** Runs one ownership round; overlapping calls coalesce into one more round. */
  tick(): Promise<void> {
    if (this.ticking) {
      this.tickAgain = true;
      return this.ticking;
    }
    this.ticking = this.round()
      .catch((error: Error) => this.logger.warn(`ownership round failed: ${error.message}`))
      .finally(() => {
        this.ticking = null;
        this.lastRoundEndedAt = Date.now();
        if (this.tickAgain && !this.stopping) {
          this.tickAgain = false;
          void this.tick();
        }
      });
    return this.ticking;
  }

  private async round(): Promise<void> {
    if (this.stopping) {
      return;
    }
    const { cluster } = this.config;
    // Rounds triggered by a change (a symbol added, an instance joining) come in bursts; renewing every lease and
    // reporting every stream is only needed on the regular cadence.
    const periodic = Date.now() - this.lastPeriodicAt >= cluster.leaseRenewMs * 0.8;
    if (periodic) {
      this.lastPeriodicAt = Date.now();
    }
    const { lost, redisDown } = periodic ? await this.leases.renewAll() : { lost: [], redisDown: !this.leases.redisReachable() };
    if (lost.length > 0) {
      this.supervisor.unstream(lost);
    }
    if (redisDown) {
      if (this.redisDownSince === null) {
        this.redisDownSince = Date.now();
        this.logger.warn('Redis unreachable: keeping the current streams until it returns');
      }
      return;
    }
    if (this.redisDownSince !== null) {
      this.logger.log(`Redis back after ${Date.now() - this.redisDownSince} ms`);
      this.redisDownSince = null;
    }
    // A round still running when the rounds stop must not announce, take or stream anything: it checks again after
    // every wait on Redis.
    if (this.stopping) {
      return;
    }
    let known = true;
    if (periodic || !this.announced) {
      known = await this.instances.heartbeat(this.me);
    }
    if (!this.announced) {
      this.announced = true;
      known = true;
      await this.instances.announce(this.me);
    }
    let members = await this.instances.live(cluster.leaseTtlMs);
    if (known && !members.includes(this.me)) {
      // Not seen in a round that did not heartbeat: beat now, and learn whether the registry still knew us.
      known = await this.instances.heartbeat(this.me);
      members = await this.instances.live(cluster.leaseTtlMs);
    }
    if (!known) {
      // The registry forgot this instance, which heartbeats: Redis restarted empty (or this instance was cut off past
      // the TTL). The others' heartbeats and leases are gone too, so the members seen now are not the cluster: planning
      // on them would take every symbol and give it back a round later, a gap and a REST page per symbol each way.
      // Instead, keep what is held (renewAll re-takes held leases that vanished) until everyone has beaten again.
      this.settleUntil = Date.now() + SETTLE_RENEWALS * cluster.leaseRenewMs;
      this.logger.warn('the instance registry lost this instance (a Redis restart?): keeping the current streams while the others re-register');
    }
    if (Date.now() < this.settleUntil) {
      return;
    }
    const tracked = this.tracked.list();
    if (periodic) {
      this.orphaned = this.orphans.observe(tracked, await this.leases.leased(tracked), Date.now());
    }
    if (this.stopping) {
      return;
    }
    const now = Date.now();
    const held = new Set(this.leases.held());
    const orphaned = this.orphaned;
    const plan = planOwnership({ me: this.me, members, tracked, held, orphaned, fairShareSlack: cluster.fairShareSlack });

    for (const symbol of plan.drop) {
      await this.leases.release(symbol);
      this.supervisor.unstream([symbol]);
      this.adoptedAt.delete(symbol);
    }
    for (const symbol of plan.handOver) {
      if (this.stopping) {
        return;
      }
      const adopted = this.adoptedAt.get(symbol);
      if (adopted !== undefined && now - adopted < ADOPTION_HOLD_MS) {
        continue;
      }
      this.adoptedAt.delete(symbol);
      await this.leases.release(symbol);
      this.scheduleUnstream(symbol);
    }
    const mineByAssignment = new Set(plan.acquire.filter((symbol) => !orphaned.has(symbol)));
    for (let start = 0; start < plan.acquire.length && !this.stopping; start += ACQUIRE_CONCURRENCY) {
      const batch = plan.acquire.slice(start, start + ACQUIRE_CONCURRENCY);
      const results = await Promise.all(batch.map((symbol) => this.leases.tryAcquire(symbol)));
      batch.forEach((symbol, index) => {
        if (!results[index]) return;
        this.orphans.taken(symbol);
        this.cancelUnstream(symbol);
        if (!mineByAssignment.has(symbol)) {
          this.adoptedAt.set(symbol, now);
        }
      });
    }
    if (periodic) {
      await this.exchangeStreamStatus();
    }
    const toStream = this.leases.held().filter((symbol) => !this.supervisor.isStreaming(symbol) && this.tracked.isActive(symbol));
    if (toStream.length > 0 && !this.stopping) {
      await this.supervisor.stream(toStream);
    }
  }

  private async exchangeStreamStatus(): Promise<void> {
    const mine = new Map<string, boolean>();
    for (const symbol of this.leases.held()) {
      mine.set(symbol, this.supervisor.symbolState(symbol)?.live ?? false);
    }
    await this.streamStatus.report(this.me, mine);
    const untracked = this.statusView.reportedSymbols().filter((symbol) => !this.tracked.isActive(symbol));
    const reported = await this.streamStatus.readAll();
    this.statusView.replaceReports(reported);
    await this.streamStatus.forget(untracked.filter((symbol) => reported.has(symbol)));
  }

  private scheduleUnstream(symbol: string): void {
    if (this.handoverTimers.has(symbol)) {
      return;
    }
    const timer = setTimeout(() => {
      this.handoverTimers.delete(symbol);
      if (!this.leases.holds(symbol)) {
        this.supervisor.unstream([symbol]);
      }
    }, this.config.cluster.handoverGraceMs);
    this.handoverTimers.set(symbol, timer);
  }

  private cancelUnstream(symbol: string): void {
    const timer = this.handoverTimers.get(symbol);
    if (timer) {
      clearTimeout(timer);
      this.handoverTimers.delete(symbol);
    }
  }
}
