import { OrphanWatch } from './orphan-watch';

const GRACE_MS = 2_000;

describe('OrphanWatch', () => {
  it('reports a symbol nobody leases only once it has been free for the whole grace period', () => {
    const watch = new OrphanWatch(GRACE_MS);
    expect(watch.observe(['BTCUSDT'], new Set(), 10_000)).toEqual(new Set());
    expect(watch.observe(['BTCUSDT'], new Set(), 11_999)).toEqual(new Set());
    expect(watch.observe(['BTCUSDT'], new Set(), 12_000)).toEqual(new Set(['BTCUSDT']));
    expect(watch.observe(['BTCUSDT'], new Set(), 13_000)).toEqual(new Set(['BTCUSDT']));
  });

  it('never reports a symbol that is leased', () => {
    const watch = new OrphanWatch(GRACE_MS);
    watch.observe(['BTCUSDT', 'ETHUSDT'], new Set(['BTCUSDT']), 0);
    expect(watch.observe(['BTCUSDT', 'ETHUSDT'], new Set(['BTCUSDT']), 5_000)).toEqual(new Set(['ETHUSDT']));
  });

  it('starts the grace period again when a lease shows up in between', () => {
    const watch = new OrphanWatch(GRACE_MS);
    watch.observe(['BTCUSDT'], new Set(), 0);
    watch.observe(['BTCUSDT'], new Set(['BTCUSDT']), 1_000);
    expect(watch.observe(['BTCUSDT'], new Set(), 2_500)).toEqual(new Set());
    expect(watch.observe(['BTCUSDT'], new Set(), 4_499)).toEqual(new Set());
    expect(watch.observe(['BTCUSDT'], new Set(), 4_500)).toEqual(new Set(['BTCUSDT']));
  });

  it('starts the grace period again after this instance took the lease', () => {
    const watch = new OrphanWatch(GRACE_MS);
    watch.observe(['BTCUSDT'], new Set(), 0);
    watch.taken('BTCUSDT');
    expect(watch.observe(['BTCUSDT'], new Set(), 2_000)).toEqual(new Set());
    expect(watch.observe(['BTCUSDT'], new Set(), 4_000)).toEqual(new Set(['BTCUSDT']));
  });

  it('forgets a symbol that is no longer tracked, so tracking it again starts a fresh grace period', () => {
    const watch = new OrphanWatch(GRACE_MS);
    watch.observe(['BTCUSDT'], new Set(), 0);
    expect(watch.observe([], new Set(), 1_000)).toEqual(new Set());
    expect(watch.observe(['BTCUSDT'], new Set(), 2_000)).toEqual(new Set());
    expect(watch.observe(['BTCUSDT'], new Set(), 4_000)).toEqual(new Set(['BTCUSDT']));
  });
});
