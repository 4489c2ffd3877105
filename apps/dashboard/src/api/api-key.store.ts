const KEY = 'binance-rates.apiKey';

/**
 * The API key, kept for this tab only (sessionStorage: gone when the tab closes, never shared with other tabs or
 * written to disk for good).
 */
export class ApiKeyStore {
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = sessionStorage) {}

  get(): string | null {
    return this.storage.getItem(KEY);
  }

  set(key: string): void {
    this.storage.setItem(KEY, key);
  }

  clear(): void {
    this.storage.removeItem(KEY);
  }
}
