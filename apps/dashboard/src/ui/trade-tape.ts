import type { ApiClient } from '../api/api-client';
import type { TradeAnswer } from '../api/api-types';
import { formatDecimal } from '../model/decimal-format';
import { el } from './dom';

/** Rows the tape keeps. */
const ROWS = 30;
/** The tape reads the stored trades at most this often, however fast prices are pushed. */
const MIN_READ_INTERVAL_MS = 1_000;

/**
 * The selected symbol's newest stored trades, newest first. A pushed price says a newer trade exists; the tape then
 * asks for the trades after the last one it shows (at most once a second), so it costs one small page a second.
 */
export class TradeTape {
  private symbol: string | null = null;
  private lastId: number | null = null;
  private reading = false;
  private lastReadAt = 0;
  private pending: ReturnType<typeof setTimeout> | null = null;
  private newestPushedId: number | null = null;
  private generation = 0;

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly caption: HTMLElement,
    private readonly api: ApiClient,
  ) {}

  show(symbol: string | null, newestTradeId: number | null): void {
    this.symbol = symbol;
    this.generation += 1;
    this.lastId = null;
    this.newestPushedId = newestTradeId;
    this.body.replaceChildren();
    this.caption.textContent = symbol ? `Recent trades of ${symbol}, newest first` : 'No symbol selected';
    if (symbol !== null && newestTradeId !== null) this.schedule();
  }

  /** A newer trade of the symbol was pushed. */
  pushed(symbol: string, tradeId: number): void {
    if (symbol !== this.symbol) return;
    this.newestPushedId = tradeId;
    this.schedule();
  }

  private schedule(): void {
    if (this.pending !== null || this.reading) return;
    const wait = Math.max(0, this.lastReadAt + MIN_READ_INTERVAL_MS - Date.now());
    this.pending = setTimeout(() => {
      this.pending = null;
      void this.read();
    }, wait);
  }

  private async read(): Promise<void> {
    const symbol = this.symbol;
    const newest = this.newestPushedId;
    if (symbol === null || newest === null || (this.lastId !== null && this.lastId >= newest)) return;
    const generation = this.generation;
    this.reading = true;
    this.lastReadAt = Date.now();
    try {
      const fromId = this.lastId === null ? Math.max(0, newest - ROWS + 1) : this.lastId + 1;
      const trades = await this.api.get<TradeAnswer[]>(`/api/currency/${encodeURIComponent(symbol)}/trades?fromId=${fromId}&limit=${ROWS}`);
      if (generation !== this.generation || trades.length === 0) return;
      this.lastId = trades[trades.length - 1].tradeId;
      this.body.prepend(...trades.reverse().map(tradeRow));
      while (this.body.rows.length > ROWS) this.body.lastElementChild?.remove();
    } catch {
      // The next push asks again.
    } finally {
      this.reading = false;
      // Stored history trails the push by a flush: ask again until the pushed trade is shown.
      if (generation === this.generation && this.newestPushedId !== null && (this.lastId === null || this.lastId < this.newestPushedId)) this.schedule();
    }
  }
}

function tradeRow(trade: TradeAnswer): HTMLTableRowElement {
  // The buyer was the maker: a seller took the bid, so the trade was a sell.
  const side = trade.isBuyerMaker ? 'sell' : 'buy';
  const time = new Date(trade.tradeTime).toLocaleTimeString(undefined, { hour12: false }) + `.${String(trade.tradeTime % 1000).padStart(3, '0')}`;
  return el(
    'tr',
    { class: side },
    el('td', {}, time),
    el('td', { class: `num ${side === 'buy' ? 'up' : 'down'}` }, formatDecimal(trade.price)),
    el('td', { class: 'num' }, formatDecimal(trade.quantity, 0)),
    el('td', {}, side),
  );
}
