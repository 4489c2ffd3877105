import { createSeededRandom } from './seeded-random';
import { MAX_PAUSE, TradeClock } from './trade-clock';

function steps(count: number, seed = 1) {
  const clock = new TradeClock(createSeededRandom(seed));
  return Array.from({ length: count }, () => clock.advance());
}

describe('TradeClock', () => {
  it('averages one mean gap per trade, so any rate applied to it holds', () => {
    const gaps = steps(400_000).map((step) => step.gap);
    const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
    expect(mean).toBeGreaterThan(0.98);
    expect(mean).toBeLessThan(1.02);
  });

  it('clusters: bursts share an instant, pauses vary more than a Poisson process (coefficient of variation > 1)', () => {
    const all = steps(200_000);
    const inBurst = all.filter((step) => step.inBurst);
    expect(inBurst.every((step) => step.gap === 0)).toBe(true);
    expect(inBurst.length / all.length).toBeGreaterThan(0.3);
    expect(inBurst.length / all.length).toBeLessThan(0.5);
    const gaps = all.map((step) => step.gap);
    const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
    const deviation = Math.sqrt(gaps.reduce((sum, gap) => sum + (gap - mean) ** 2, 0) / gaps.length);
    expect(deviation / mean).toBeGreaterThan(1.3);
  });

  it('never pauses longer than MAX_PAUSE mean gaps, so waiting for the next trade stays bounded', () => {
    expect(MAX_PAUSE).toBeLessThan(6);
    expect(steps(200_000).reduce((max, step) => Math.max(max, step.gap), 0)).toBeLessThanOrEqual(MAX_PAUSE);
  });

  it('shows the next step before it is taken', () => {
    const clock = new TradeClock(createSeededRandom(5));
    const upcoming = clock.next;
    expect(clock.advance()).toBe(upcoming);
  });
});
