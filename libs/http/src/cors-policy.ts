/**
 * Which browser origins may read the API's answers (CORS): the framework's routes and the price fast path, which
 * answers before the framework sees the request, ask the same policy.
 */
export class CorsPolicy {
  constructor(private readonly origins: readonly string[]) {}

  get enabled(): boolean {
    return this.origins.length > 0;
  }

  /** The `Access-Control-Allow-Origin` value for a request from `origin`, or null when it gets none. */
  allowOriginFor(origin: string | undefined): string | null {
    if (this.origins.includes('*')) {
      return '*';
    }
    return origin !== undefined && this.origins.includes(origin) ? origin : null;
  }

  /** Headers the fast path adds to an answer for a request from `origin`. */
  headersFor(origin: string | undefined): Record<string, string> {
    if (!this.enabled) {
      return {};
    }
    const allowed = this.allowOriginFor(origin);
    const vary: Record<string, string> = allowed === '*' ? {} : { vary: 'Origin' };
    return allowed === null ? vary : { ...vary, 'access-control-allow-origin': allowed };
  }
}
