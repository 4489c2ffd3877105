import type { AppConfig } from '@binance-rates/config';

/** Addresses only this machine can reach: the whole 127.0.0.0/8 range, IPv6's ::1 and the name for them. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The boot warning for a service whose symbol-changing routes anyone on the network may call: no API_KEYS, and
 * a listen address other machines can reach (the default, 0.0.0.0, and what a container needs). Null when either
 * is closed.
 */
export function openMutationsWarning(config: Pick<AppConfig, 'host' | 'port' | 'apiKeys'>): string | null {
  if (config.apiKeys.length > 0 || isLoopback(config.host)) {
    return null;
  }
  return (
    `API_KEYS is not set and the service listens on ${config.host}:${config.port}, which other machines can reach: ` +
    'anyone who reaches this port can add and delete every tracked symbol (POST /api/currency, DELETE /api/currency/{symbol}). ' +
    'Set API_KEYS (README "Configuration"), or HOST=127.0.0.1 to serve this machine only.'
  );
}
