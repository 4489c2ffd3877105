import { InstanceRegistryStore, LeaseManager, StreamStatus, StreamStatusStore } from '@binance-rates/cache';
import { testConfig } from '@binance-rates/testing';
import { assignSymbols } from '@binance-rates/domain';
import { StreamSupervisor } from '../live/stream-supervisor.service';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { OwnershipCoordinator } from './ownership-coordinator.service';
import { StreamStatusView } from './stream-status.view';
import { FakeSupervisor } from './stream-supervisor.fixtures';

const RENEW_MS = 1_000;
const GRACE_MS = 500;
const ADOPTION_HOLD_MS = 15_000;
const SYMBOLS = ['ADAUSDT', 'BNBUSDT', 'BTCUSDT', 'DOGEUSDT', 'ETHUSDT', 'SOLUSDT', 'TRXUSDT', 'XRPUSDT'];

/** What Redis holds, shared by the fakes: who holds each lease, and whether it answers at all. */
class FakeRedis {
  readonly leases = new Map<string, string>();
  down = false;
}

class FakeLeases {
  private readonly mine = new Set<string>();
  readonly attempts: string[] = [];
  constructor(private readonly redis: FakeRedis, private readonly me: string) {}
  held = (): string[] => [...this.mine];
  holds = (symbol: string): boolean => this.mine.has(symbol);
  redisReachable = (): boolean => !this.redis.down;
  async tryAcquire(symbol: string): Promise<boolean> {
    this.attempts.push(symbol);
    if (this.mine.has(symbol)) return true;
    if (this.redis.down || this.redis.leases.has(symbol)) return false;
    this.redis.leases.set(symbol, this.me);
    this.mine.add(symbol);
    return true;
  }
  /** Like LeaseManager: a lease that expired (is gone) is taken again; one another instance holds is lost. */
  async renewAll(): Promise<{ lost: string[]; redisDown: boolean }> {
    if (this.redis.down) return { lost: [], redisDown: true };
    for (const symbol of this.mine) {
      if (!this.redis.leases.has(symbol)) this.redis.leases.set(symbol, this.me);
    }
    const lost = [...this.mine].filter((symbol) => this.redis.leases.get(symbol) !== this.me);
    for (const symbol of lost) this.mine.delete(symbol);
    return { lost, redisDown: false };
  }
  async release(symbol: string): Promise<void> {
    this.mine.delete(symbol);
    if (this.redis.leases.get(symbol) === this.me) this.redis.leases.delete(symbol);
  }
  releaseAll = async (): Promise<unknown> => Promise.all(this.held().map((symbol) => this.release(symbol)));
  async leased(symbols: readonly string[]): Promise<Set<string>> {
    return new Set(symbols.filter((symbol) => this.redis.leases.has(symbol)));
  }
}

class FakeInstances {
  readonly beats = new Map<string, number>();
  readonly calls: string[] = [];
  onAnnouncement = (): void => undefined;
  async heartbeat(id: string): Promise<boolean> {
    this.calls.push(`heartbeat ${id}`);
    const known = this.beats.has(id);
    this.beats.set(id, Date.now());
    return known;
  }
  announce = async (id: string): Promise<unknown> => this.calls.push(`announce ${id}`);
  async live(ttlMs: number): Promise<string[]> {
    return [...this.beats].filter(([, at]) => Date.now() - at < ttlMs).map(([id]) => id);
  }
  async leave(id: string): Promise<void> {
    this.calls.push(`leave ${id}`);
    this.beats.delete(id);
  }
}


class FakeTracked {
  constructor(public symbols: string[]) {}
  list = (): string[] => [...this.symbols].sort();
  isActive = (symbol: string): boolean => this.symbols.includes(symbol);
}

class FakeStreamStatus {
  readonly reports: Array<Map<string, boolean>> = [];
  report = async (_id: string, statuses: ReadonlyMap<string, boolean>): Promise<unknown> => this.reports.push(new Map(statuses));
  readAll = async (): Promise<Map<string, StreamStatus>> => new Map();
  forget = async (): Promise<void> => undefined;
}

/** Instance `me` over its own fakes, or over the Redis and registry fakes of another instance's setup. */
function setup({ fairShareSlack = 0, tracked = SYMBOLS, me = 'a', redis = new FakeRedis(), instances = new FakeInstances() } = {}) {
  const config = testConfig({
    instanceId: me,
    cluster: { leaseTtlMs: 3 * RENEW_MS, leaseRenewMs: RENEW_MS, fairShareSlack, handoverGraceMs: GRACE_MS },
  });
  const leases = new FakeLeases(redis, me);
  const supervisor = new FakeSupervisor();
  const trackedSymbols = new FakeTracked([...tracked]);
  const status = new FakeStreamStatus();
  const asSupervisor = supervisor as unknown as StreamSupervisor;
  const coordinator = new OwnershipCoordinator(
    config,
    trackedSymbols as unknown as TrackedSymbolsService,
    asSupervisor,
    leases as unknown as LeaseManager,
    instances as unknown as InstanceRegistryStore,
    status as unknown as StreamStatusStore,
    new StreamStatusView(config, asSupervisor),
  );
  return { coordinator, redis, leases, instances, supervisor, trackedSymbols, status };
}

describe('OwnershipCoordinator', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const aShare = assignSymbols(SYMBOLS, ['a', 'b']).get('a') as string[];
  const bShare = SYMBOLS.filter((symbol) => !aShare.includes(symbol));

  it('alone, takes every tracked symbol’s lease and streams them', async () => {
    const { coordinator, redis, leases, instances, supervisor, status } = setup();
    await coordinator.tick();
    expect(leases.held().sort()).toEqual(SYMBOLS);
    expect([...redis.leases.values()]).toEqual(Array(SYMBOLS.length).fill('a'));
    expect(supervisor.streamedSymbols()).toEqual(SYMBOLS);
    expect(instances.calls).toEqual(['heartbeat a', 'announce a']);
    expect(status.reports).toHaveLength(1);
  });

  it('with a second live member, keeps its share and hands the rest over, unstreaming them after the handover grace', async () => {
    const { coordinator, redis, leases, instances, supervisor } = setup();
    expect(aShare.length).toBeGreaterThan(0);
    expect(bShare.length).toBeGreaterThan(0);
    await coordinator.tick();
    await instances.heartbeat('b');
    await jest.advanceTimersByTimeAsync(RENEW_MS);
    await coordinator.tick();
    expect(leases.held().sort()).toEqual(aShare);
    expect(bShare.filter((symbol) => redis.leases.has(symbol))).toEqual([]);
    // Make-before-break: still streamed while the new owner subscribes.
    expect(supervisor.streamedSymbols()).toEqual(SYMBOLS);
    await jest.advanceTimersByTimeAsync(GRACE_MS - 1);
    expect(supervisor.streamedSymbols()).toEqual(SYMBOLS);
    await jest.advanceTimersByTimeAsync(1);
    expect(supervisor.streamedSymbols()).toEqual(aShare);
  });

  it('stops streaming a symbol whose lease another instance took, at the next renewal', async () => {
    const { coordinator, redis, leases, supervisor } = setup();
    await coordinator.tick();
    redis.leases.set('ETHUSDT', 'b');
    await jest.advanceTimersByTimeAsync(RENEW_MS);
    await coordinator.tick();
    expect(supervisor.isStreaming('ETHUSDT')).toBe(false);
    expect(leases.holds('ETHUSDT')).toBe(false);
    expect(supervisor.streamedSymbols()).toEqual(SYMBOLS.filter((symbol) => symbol !== 'ETHUSDT'));
  });

  it('while Redis is unreachable, changes nothing: keeps its streams and takes and hands over nothing', async () => {
    const { coordinator, redis, leases, instances, supervisor, trackedSymbols, status } = setup();
    await coordinator.tick();
    await instances.heartbeat('b');
    trackedSymbols.symbols.push('LTCUSDT');
    redis.down = true;
    const callsBefore = instances.calls.length;
    for (let round = 0; round < 3; round += 1) {
      await jest.advanceTimersByTimeAsync(RENEW_MS);
      await coordinator.tick();
    }
    expect(supervisor.streamedSymbols()).toEqual(SYMBOLS);
    expect(leases.held().sort()).toEqual(SYMBOLS);
    expect(leases.attempts).not.toContain('LTCUSDT');
    expect(instances.calls).toHaveLength(callsBefore);
    expect(status.reports).toHaveLength(1);
    redis.down = false;
    await instances.heartbeat('b');
    await coordinator.tick();
    // Once it answers again, the round catches up on everything that changed meanwhile.
    expect(leases.held().sort()).toEqual(assignSymbols([...SYMBOLS, 'LTCUSDT'], ['a', 'b']).get('a'));
  });

  it('after a Redis restart (every lease and heartbeat gone), moves no symbol between the live instances', async () => {
    const a = setup();
    const b = setup({ me: 'b', redis: a.redis, instances: a.instances });
    await a.coordinator.tick();
    await b.coordinator.tick();
    for (let round = 0; round < 3; round += 1) {
      await jest.advanceTimersByTimeAsync(RENEW_MS);
      await a.coordinator.tick();
      await b.coordinator.tick();
    }
    await jest.advanceTimersByTimeAsync(GRACE_MS);
    expect(a.leases.held().sort()).toEqual(aShare);
    expect(b.leases.held().sort()).toEqual(bShare);
    const unstreamed: string[] = [];
    for (const side of [a, b]) {
      const unstream = side.supervisor.unstream;
      side.supervisor.unstream = (symbols) => {
        unstreamed.push(...symbols);
        unstream(symbols);
      };
    }
    a.redis.leases.clear();
    a.instances.beats.clear();
    const attemptsBefore = a.leases.attempts.length;
    // a happens to run its round first after the restart, b right after; then both go on as usual.
    for (let round = 0; round < 6; round += 1) {
      await jest.advanceTimersByTimeAsync(RENEW_MS);
      await a.coordinator.tick();
      await b.coordinator.tick();
    }
    await jest.advanceTimersByTimeAsync(GRACE_MS);
    expect(a.leases.attempts.slice(attemptsBefore).filter((symbol) => bShare.includes(symbol))).toEqual([]);
    expect(unstreamed).toEqual([]);
    expect(a.leases.held().sort()).toEqual(aShare);
    expect(b.leases.held().sort()).toEqual(bShare);
    expect(a.supervisor.streamedSymbols()).toEqual(aShare);
    expect(b.supervisor.streamedSymbols()).toEqual(bShare);
  });

  it('adopts a symbol nobody leased for two renewal intervals and does not hand it back within the adoption hold', async () => {
    const { coordinator, leases, instances, supervisor } = setup({ fairShareSlack: SYMBOLS.length });
    const round = async (ms: number) => {
      await jest.advanceTimersByTimeAsync(ms);
      await instances.heartbeat('b'); // b is live but never takes its share
      await coordinator.tick();
    };
    await round(0);
    expect(leases.held().sort()).toEqual(aShare);
    await round(RENEW_MS);
    expect(leases.held().sort()).toEqual(aShare);
    await round(RENEW_MS);
    expect(leases.held().sort()).toEqual(SYMBOLS);
    expect(supervisor.streamedSymbols()).toEqual(SYMBOLS);
    const adoptedAt = Date.now();
    while (Date.now() < adoptedAt + ADOPTION_HOLD_MS - RENEW_MS) await round(RENEW_MS);
    expect(leases.held().sort()).toEqual(SYMBOLS);
    await round(RENEW_MS);
    expect(leases.held().sort()).toEqual(aShare);
    expect(supervisor.streamedSymbols()).toEqual(SYMBOLS);
    await jest.advanceTimersByTimeAsync(GRACE_MS);
    expect(supervisor.streamedSymbols()).toEqual(aShare);
  });

  it('stops a removed symbol’s stream at once and gives its lease back in a round soon after', async () => {
    const { coordinator, redis, supervisor, trackedSymbols } = setup();
    await coordinator.tick();
    trackedSymbols.symbols = SYMBOLS.filter((symbol) => symbol !== 'BTCUSDT');
    coordinator.applyChange({ added: [], removed: ['BTCUSDT'] });
    expect(supervisor.isStreaming('BTCUSDT')).toBe(false);
    expect(redis.leases.get('BTCUSDT')).toBe('a');
    await jest.advanceTimersByTimeAsync(20);
    expect(redis.leases.has('BTCUSDT')).toBe(false);
  });

  it('takes and streams an added symbol in a round soon after the change', async () => {
    const { coordinator, leases, supervisor, trackedSymbols } = setup();
    await coordinator.tick();
    trackedSymbols.symbols.push('LTCUSDT');
    coordinator.applyChange({ added: ['LTCUSDT'], removed: [] });
    await jest.advanceTimersByTimeAsync(19);
    expect(supervisor.isStreaming('LTCUSDT')).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(leases.holds('LTCUSDT')).toBe(true);
    expect(supervisor.isStreaming('LTCUSDT')).toBe(true);
  });

  it('after stopRounds, takes and streams nothing, whether by its timer, a change or a direct round', async () => {
    const { coordinator, leases, supervisor, trackedSymbols } = setup();
    await coordinator.start();
    await coordinator.stopRounds();
    const attempts = leases.attempts.length;
    trackedSymbols.symbols.push('LTCUSDT');
    coordinator.applyChange({ added: ['LTCUSDT'], removed: [] });
    await coordinator.tick();
    await jest.advanceTimersByTimeAsync(10 * RENEW_MS);
    expect(leases.attempts).toHaveLength(attempts);
    expect(supervisor.streamedSymbols()).toEqual(SYMBOLS);
  });

  it('a round already waiting on Redis when the rounds stop takes and streams nothing once Redis answers', async () => {
    const { coordinator, leases, instances, supervisor } = setup();
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const live = instances.live.bind(instances);
    instances.live = async (ttlMs: number) => {
      await answered;
      return live(ttlMs);
    };
    const round = coordinator.tick();
    await jest.advanceTimersByTimeAsync(0);
    const stopped = coordinator.stopRounds();
    answer();
    await Promise.all([round, stopped]);
    expect(leases.attempts).toEqual([]);
    expect(leases.held()).toEqual([]);
    expect(supervisor.streamedSymbols()).toEqual([]);
  });

  it('on leave, gives every lease back, then leaves and announces so the others take over at once', async () => {
    const { coordinator, redis, leases, instances } = setup();
    await coordinator.tick();
    await coordinator.stopRounds();
    await coordinator.leave();
    expect(leases.held()).toEqual([]);
    expect(redis.leases.size).toBe(0);
    expect(instances.beats.has('a')).toBe(false);
    expect(instances.calls.slice(-2)).toEqual(['leave a', 'announce a']);
  });
});
