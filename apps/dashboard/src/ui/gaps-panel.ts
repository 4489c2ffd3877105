import type { ApiClient } from '../api/api-client';
import type { GapAnswer } from '../api/api-types';
import { el } from './dom';

/**
 * The selected symbol's history health: its open gaps (`GET …/gaps`), each with what is filling it: the backfill now,
 * or a retry after failed attempts.
 */
export class GapsPanel {
  private symbol: string | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly api: ApiClient,
  ) {}

  async show(symbol: string | null): Promise<void> {
    this.symbol = symbol;
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const symbol = this.symbol;
    if (symbol === null) {
      this.container.replaceChildren(el('p', { class: 'empty' }, 'No symbol selected.'));
      return;
    }
    try {
      const gaps = await this.api.get<GapAnswer[]>(`/api/currency/${encodeURIComponent(symbol)}/gaps`);
      if (symbol !== this.symbol) return;
      if (gaps.length === 0) {
        this.container.replaceChildren(el('p', { class: 'ok' }, `No open gaps: the stored history of ${symbol} is complete.`));
        return;
      }
      this.container.replaceChildren(
        el('p', { class: 'warn' }, `${gaps.length} open gap${gaps.length === 1 ? '' : 's'} in the history of ${symbol}:`),
        el('ul', { class: 'gap-list' }, ...gaps.map((gap) => el('li', {}, describeGap(gap)))),
      );
    } catch (error) {
      if (symbol === this.symbol) this.container.replaceChildren(el('p', { class: 'warn' }, `Gaps could not be read: ${(error as Error).message}`));
    }
  }
}

export function describeGap(gap: GapAnswer): string {
  const ids = gap.toId === null ? `trades from id ${gap.fromId} up to the next stored one` : `trades ${gap.fromId}–${gap.toId} (${gap.toId - gap.fromId + 1})`;
  const filling =
    gap.attempts === 0
      ? 'being backfilled from Binance now'
      : `${gap.attempts} backfill attempt${gap.attempts === 1 ? '' : 's'} failed${gap.lastError ? ` (${gap.lastError})` : ''}; next try ${new Date(gap.nextAttemptAt).toLocaleTimeString()}`;
  return `${ids}: ${gap.reason}; ${filling}.`;
}
