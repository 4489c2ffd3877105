/**
 * Prices and quantities arrive as exact decimal strings ("37000.12000000"). They are shown as they are, trailing
 * zeros trimmed down to `minDecimals`, never through a float, so what the page shows is what was traded.
 */
export function formatDecimal(value: string, minDecimals = 2): string {
  const dot = value.indexOf('.');
  if (dot === -1) {
    return minDecimals > 0 ? `${value}.${'0'.repeat(minDecimals)}` : value;
  }
  let end = value.length;
  while (end > dot + 1 + minDecimals && value.charCodeAt(end - 1) === 48) {
    end -= 1;
  }
  return end === dot + 1 ? value.slice(0, dot) : value.slice(0, end);
}

/** Which way a price moved, for the flash: compares as numbers, which is exact enough to tell up from down. */
export function priceDirection(previous: string | null, next: string): 'up' | 'down' | 'same' {
  if (previous === null) return 'same';
  const delta = Number(next) - Number(previous);
  return delta > 0 ? 'up' : delta < 0 ? 'down' : 'same';
}

/** "+1.23 %" / "−0.40 %", with a real minus sign. */
export function formatPercent(ratio: number): string {
  const percent = ratio * 100;
  const sign = percent > 0 ? '+' : percent < 0 ? '−' : '';
  return `${sign}${Math.abs(percent).toFixed(2)} %`;
}

/** An age for people: "0.4 s", "12 s", "3 min", "2 h". */
export function formatAge(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 10_000) return `${(clamped / 1000).toFixed(1)} s`;
  if (clamped < 120_000) return `${Math.round(clamped / 1000)} s`;
  if (clamped < 7_200_000) return `${Math.round(clamped / 60_000)} min`;
  return `${Math.round(clamped / 3_600_000)} h`;
}

/** A trade rate: "0", "3.4", "1,250". */
export function formatRate(perSecond: number): string {
  return perSecond < 10 ? perSecond.toFixed(1).replace(/\.0$/, '') : Math.round(perSecond).toLocaleString('en-US');
}
