import { ApiError, ApiErrorBody, ErrorContext, describeApiError } from './api-error';
import { ApiKeyStore } from './api-key.store';

/** Every request is bounded: a hung connection shows as an error, never as a page that waits forever. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Asks the user for a key; resolves null when they decline. `reason` is the sentence to show. */
export type KeyPrompt = (reason: string) => Promise<string | null>;

/**
 * Calls the service that served the page (same origin, relative paths: no other host is ever asked). Changes send
 * the tab's API key when it has one; a 401 asks for a key once and tries again with it.
 */
export class ApiClient {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly askKey: KeyPrompt,
  ) {}

  get<T>(path: string, context: ErrorContext = { action: 'read' }): Promise<T> {
    return this.send<T>({ method: 'GET', path, context });
  }

  async change<T>({ method, path, body, context }: { method: 'POST' | 'DELETE'; path: string; body?: unknown; context: ErrorContext }): Promise<T> {
    try {
      return await this.send<T>({ method, path, body, context, key: this.keys.get() });
    } catch (error) {
      if (!(error instanceof ApiError) || !error.needsKey) throw error;
      const key = await this.askKey(error.words);
      if (key === null) throw error;
      this.keys.set(key);
      try {
        return await this.send<T>({ method, path, body, context, key });
      } catch (retryError) {
        if (retryError instanceof ApiError && retryError.needsKey) this.keys.clear();
        throw retryError;
      }
    }
  }

  private async send<T>({ method, path, body, context, key }: { method: string; path: string; body?: unknown; context: ErrorContext; key?: string | null }): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key) headers['authorization'] = `Bearer ${key}`;
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, null, describeApiError(0, null, context));
    }
    const text = await response.text();
    const parsed = text === '' ? null : safeJson(text);
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after'));
      const retryAfterS = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
      const errorBody = (parsed as ApiErrorBody | null) ?? null;
      throw new ApiError(response.status, errorBody, describeApiError(response.status, errorBody, context, retryAfterS), retryAfterS);
    }
    return parsed as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
