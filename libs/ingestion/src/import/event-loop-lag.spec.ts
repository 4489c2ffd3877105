import { EventLoopLag } from './event-loop-lag';

function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Holds the event loop, as synchronous work (or a thread without its core) does.
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('EventLoopLag', () => {
  const lag = new EventLoopLag();
  afterEach(() => lag.stop());

  it('reads 0 until started', () => {
    expect(lag.takeWorstMs()).toBe(0);
  });

  it('reports a loop held for 60 ms, then starts a new window that no longer holds it', async () => {
    lag.start();
    await sleep(30);
    lag.takeWorstMs();
    blockFor(60);
    await sleep(30);
    expect(lag.takeWorstMs()).toBeGreaterThanOrEqual(40);
    await sleep(50);
    expect(lag.takeWorstMs()).toBeLessThan(40);
  });
});
