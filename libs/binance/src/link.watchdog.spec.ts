import { LinkWatchdog } from './link.watchdog';

const T0 = 1_700_000_000_000;
const timings = { pingAfterIdleMs: 5_000, deadAfterIdleMs: 10_000 };

describe('LinkWatchdog', () => {
  it('finds a link that just heard a frame alive', () => {
    const watchdog = new LinkWatchdog(timings, T0);
    expect(watchdog.check(T0 + 4_999)).toEqual({ kind: 'alive' });
  });

  it('asks for a ping once the link has been idle for pingAfterIdleMs', () => {
    const watchdog = new LinkWatchdog(timings, T0);
    expect(watchdog.check(T0 + 5_000)).toEqual({ kind: 'pingDue' });
  });

  it('asks for no second ping while the first is unanswered', () => {
    const watchdog = new LinkWatchdog(timings, T0);
    watchdog.pingSent();
    expect(watchdog.check(T0 + 7_000)).toEqual({ kind: 'alive' });
  });

  it('does not count a data frame as the answer to a ping', () => {
    const watchdog = new LinkWatchdog(timings, T0);
    watchdog.pingSent();
    watchdog.frameReceived(T0 + 6_000);
    expect(watchdog.check(T0 + 11_000)).toEqual({ kind: 'alive' });
  });

  it('asks for a ping again after a pong and another idle period', () => {
    const watchdog = new LinkWatchdog(timings, T0);
    watchdog.pingSent();
    watchdog.pongReceived(T0 + 6_000);
    expect(watchdog.check(T0 + 10_999)).toEqual({ kind: 'alive' });
    expect(watchdog.check(T0 + 11_000)).toEqual({ kind: 'pingDue' });
  });

  it('declares a link silent for deadAfterIdleMs dead, with how long it was silent', () => {
    const watchdog = new LinkWatchdog(timings, T0);
    watchdog.pingSent();
    expect(watchdog.check(T0 + 10_000)).toEqual({ kind: 'dead', idleMs: 10_000 });
  });

  it('keeps a link that keeps delivering frames alive indefinitely', () => {
    const watchdog = new LinkWatchdog(timings, T0);
    for (let at = T0; at < T0 + 60_000; at += 1_000) {
      watchdog.frameReceived(at);
      expect(watchdog.check(at + 999)).toEqual({ kind: 'alive' });
    }
  });
});
