import type { PricePush, SymbolAnswer } from '../api/api-types';
import { Candle, dayStats } from '../model/candles';
import { formatAge, formatDecimal, formatPercent, priceDirection } from '../model/decimal-format';
import { el } from './dom';

interface Row {
  symbol: string;
  tr: HTMLTableRowElement;
  select: HTMLButtonElement;
  price: HTMLElement;
  change: HTMLElement;
  range: HTMLElement;
  age: HTMLElement;
  stream: HTMLElement;
  value: string | null;
  tradeTime: number | null;
  dayCandles: Candle[] | null;
}

export interface CoinBoardActions {
  select(symbol: string): void;
  remove(symbol: string): void;
}

/**
 * The table of tracked symbols: price (flashing up or down on a change), 24 h change and range, the price's age and
 * whether its stream is live. Cells are patched in place; a price push touches only its own row.
 */
export class CoinBoard {
  private readonly rows = new Map<string, Row>();
  private selected: string | null = null;
  /** Server clock minus this browser's, from the ages the list reports: ages stay right on a skewed clock. */
  private clockOffsetMs = 0;

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly empty: HTMLElement,
    private readonly actions: CoinBoardActions,
  ) {}

  symbols(): string[] {
    return [...this.rows.keys()];
  }

  has(symbol: string): boolean {
    return this.rows.has(symbol);
  }

  latest(symbol: string): { price: string; tradeTime: number } | null {
    const row = this.rows.get(symbol);
    return row?.value && row.tradeTime !== null ? { price: row.value, tradeTime: row.tradeTime } : null;
  }

  /** Brings the table to the tracked list: rows added and removed, stream states and clock offset refreshed. */
  sync(list: readonly SymbolAnswer[], receivedAt = Date.now()): void {
    const listed = new Set(list.map((item) => item.symbol));
    for (const symbol of this.rows.keys()) {
      if (!listed.has(symbol)) this.remove(symbol);
    }
    for (const item of list) {
      const row = this.rows.get(item.symbol) ?? this.addRow(item.symbol);
      if (item.price !== null && item.tradeTime !== null && (row.tradeTime === null || item.tradeTime >= row.tradeTime)) {
        this.showPrice(row, item.price, item.tradeTime);
      }
      if (item.tradeTime !== null && item.ageMs !== null) {
        this.clockOffsetMs = item.tradeTime + item.ageMs - receivedAt;
      }
      row.stream.textContent = item.streamLive === null ? 'unknown' : item.streamLive ? 'live' : 'not live';
      row.stream.className = item.streamLive === null ? 'stream unknown' : item.streamLive ? 'stream live' : 'stream down';
    }
    this.empty.hidden = this.rows.size > 0;
    this.tick();
  }

  applyPrice(push: PricePush): void {
    const row = this.rows.get(push.symbol) ?? this.addRow(push.symbol);
    if (row.tradeTime !== null && push.tradeTime < row.tradeTime) return;
    const direction = priceDirection(row.value, push.price);
    this.showPrice(row, push.price, push.tradeTime);
    if (direction !== 'same') {
      row.price.classList.remove('flash-up', 'flash-down');
      // Restart the animation when the previous flash has not ended yet.
      void row.price.offsetWidth;
      row.price.classList.add(direction === 'up' ? 'flash-up' : 'flash-down');
    }
  }

  setDayCandles(symbol: string, candles: Candle[]): void {
    const row = this.rows.get(symbol);
    if (!row) return;
    row.dayCandles = candles;
    this.showDayStats(row);
  }

  remove(symbol: string): void {
    const row = this.rows.get(symbol);
    if (!row) return;
    row.tr.remove();
    this.rows.delete(symbol);
    this.empty.hidden = this.rows.size > 0;
  }

  markSelected(symbol: string | null): void {
    this.selected = symbol;
    for (const row of this.rows.values()) {
      const current = row.symbol === symbol;
      row.select.setAttribute('aria-pressed', String(current));
      row.tr.classList.toggle('selected', current);
    }
  }

  /** Ages move with the clock, not with pushes. */
  tick(now = Date.now()): void {
    for (const row of this.rows.values()) {
      row.age.textContent = row.tradeTime === null ? '—' : formatAge(now + this.clockOffsetMs - row.tradeTime);
    }
  }

  private showPrice(row: Row, value: string, tradeTime: number): void {
    row.value = value;
    row.tradeTime = tradeTime;
    row.price.textContent = formatDecimal(value);
    this.showDayStats(row);
  }

  private showDayStats(row: Row): void {
    const stats = row.dayCandles ? dayStats(row.dayCandles, row.value === null ? null : Number(row.value)) : null;
    if (!stats) {
      row.change.textContent = '—';
      row.range.textContent = '—';
      return;
    }
    row.change.textContent = formatPercent(stats.change);
    row.change.className = stats.change > 0 ? 'up' : stats.change < 0 ? 'down' : '';
    row.range.textContent = `${trim(stats.low)} – ${trim(stats.high)}`;
    const partial = Date.now() + this.clockOffsetMs - stats.since < 23 * 3_600_000;
    row.change.title = partial ? `since ${new Date(stats.since).toLocaleString()} (history is shorter than 24 h)` : 'over the last 24 h';
  }

  private addRow(symbol: string): Row {
    const select = el('button', { type: 'button', class: 'symbol-button', 'aria-pressed': String(symbol === this.selected) }, symbol);
    select.addEventListener('click', () => this.actions.select(symbol));
    const removeButton = el('button', { type: 'button', class: 'remove-button', 'aria-label': `Remove ${symbol}`, title: `Remove ${symbol}` }, '✕');
    removeButton.addEventListener('click', () => this.actions.remove(symbol));
    const price = el('span', { class: 'price' }, '—');
    // The range sits under the change, in the same cell: one column less, so the table fits beside the chart and on a phone.
    const change = el('span', {}, '—');
    const range = el('span', { class: 'range' }, '—');
    const age = el('td', { class: 'num age' }, '—');
    const stream = el('span', { class: 'stream unknown' }, 'unknown');
    const tr = el('tr', { 'data-symbol': symbol }, el('th', { scope: 'row' }, select), el('td', { class: 'num' }, price), el('td', { class: 'num day' }, change, range), age, el('td', {}, stream), el('td', {}, removeButton));
    const row: Row = { symbol, tr, select, price, change, range, age, stream, value: null, tradeTime: null, dayCandles: null };
    price.addEventListener('animationend', () => price.classList.remove('flash-up', 'flash-down'));
    this.rows.set(symbol, row);
    const after = [...this.rows.keys()].sort().find((other) => other > symbol);
    this.body.insertBefore(tr, after ? (this.rows.get(after)?.tr ?? null) : null);
    this.empty.hidden = true;
    return row;
  }
}

/** A range bound: at most 8 significant digits, as in the chart. */
function trim(value: number): string {
  return Number(value.toPrecision(8)).toString();
}
