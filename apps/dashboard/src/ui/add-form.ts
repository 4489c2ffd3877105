import type { ApiClient } from '../api/api-client';
import type { ListedSymbolAnswer, SymbolAnswer } from '../api/api-types';
import { el } from './dom';

/** Typing pauses this long before the listing is asked. */
const SUGGEST_AFTER_MS = 200;

/**
 * Adds a symbol: suggestions from Binance's listing (`GET /api/listing`) as the user types, `POST /api/currency` on
 * submit, the API's refusal said in words under the field.
 */
export class AddForm {
  private suggestTimer: ReturnType<typeof setTimeout> | null = null;
  private lastSearch = '';

  constructor(
    private readonly form: HTMLFormElement,
    private readonly input: HTMLInputElement,
    private readonly suggestions: HTMLDataListElement,
    private readonly message: HTMLElement,
    private readonly api: ApiClient,
    private readonly added: (symbol: string) => void,
  ) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    input.addEventListener('input', () => this.suggestSoon());
  }

  private suggestSoon(): void {
    if (this.suggestTimer !== null) clearTimeout(this.suggestTimer);
    this.suggestTimer = setTimeout(() => void this.suggest(), SUGGEST_AFTER_MS);
  }

  private async suggest(): Promise<void> {
    const search = this.input.value.trim().toUpperCase();
    if (search === this.lastSearch || !/^[A-Z0-9]{1,20}$/.test(search)) return;
    this.lastSearch = search;
    try {
      const listed = await this.api.get<ListedSymbolAnswer[]>(`/api/listing?search=${encodeURIComponent(search)}&limit=20`);
      if (search !== this.lastSearch) return;
      this.suggestions.replaceChildren(
        ...listed.map((item) => el('option', { value: item.symbol, label: `${item.baseAsset}/${item.quoteAsset}${item.status === 'TRADING' ? '' : ` · ${item.status}`}` })),
      );
    } catch {
      // Suggestions are a help, not a requirement: the field still takes any symbol.
    }
  }

  private async submit(): Promise<void> {
    const symbol = this.input.value.trim().toUpperCase();
    if (symbol === '') {
      this.say('Type a symbol first, e.g. BTCUSDT.', true);
      this.input.focus();
      return;
    }
    const button = this.form.querySelector('button[type="submit"]') as HTMLButtonElement;
    button.disabled = true;
    this.say(`Adding ${symbol}…`, false);
    try {
      const answer = await this.api.change<SymbolAnswer>({ method: 'POST', path: '/api/currency', body: { symbol }, context: { action: 'add', symbol } });
      this.say(`${answer.symbol} is tracked.`, false);
      this.input.value = '';
      this.added(answer.symbol);
    } catch (error) {
      this.say((error as Error).message, true);
      this.input.setAttribute('aria-invalid', 'true');
    } finally {
      button.disabled = false;
    }
  }

  say(text: string, isError: boolean): void {
    this.message.textContent = text;
    this.message.classList.toggle('error', isError);
    if (!isError) this.input.removeAttribute('aria-invalid');
  }
}
