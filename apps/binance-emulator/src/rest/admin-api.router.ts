import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorControl, RestFaultStatus } from '../emulator.types';
import type { SymbolStatus } from '../market/market.types';
import { readJsonObject, sendJson } from './http-io';

const DEFAULT_TRADES_LIMIT = 1000;
const MAX_TRADES_LIMIT = 100_000;

class AdminRequestError extends Error {
  override readonly name = 'AdminRequestError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;
type Handler = (emulator: EmulatorControl, body: Body, url: URL, symbol: string) => unknown;

const GET_ROUTES: Record<string, Handler> = {
  subscriptions: (emulator) => emulator.subscriptions(),
  connections: (emulator) => emulator.connections(),
  stats: (emulator) => emulator.stats(),
  trades: (emulator, _body, url, symbol) => {
    const fromId = optionalInteger(url.searchParams.get('fromId'), 'fromId');
    const limit = Math.min(optionalInteger(url.searchParams.get('limit'), 'limit') ?? DEFAULT_TRADES_LIMIT, MAX_TRADES_LIMIT);
    return emulator.tradesOf(requireSymbol(emulator, symbol), { fromId, limit });
  },
};

const POST_ROUTES: Record<string, Handler> = {
  trades: (emulator, body, _url, symbol) => emulator.emitTrades(requireSymbol(emulator, symbol), integer(body, 'count', 1)),
  'faults/drop': (emulator) => emulator.dropAllConnections(),
  'faults/freeze': (emulator) => emulator.freezeConnections(),
  'faults/server-shutdown': (emulator, body) =>
    emulator.sendServerShutdown(body['graceMs'] === undefined ? undefined : integer(body, 'graceMs', 0)),
  'faults/rest-errors': (emulator, body) => {
    const status = body['status'];
    if (status !== 429 && status !== 418 && status !== 500) {
      throw new AdminRequestError(400, 'status must be 429, 418 or 500');
    }
    const retryAfterSec = body['retryAfterSec'] === undefined ? undefined : integer(body, 'retryAfterSec', 0);
    emulator.failRest(integer(body, 'count', 1), status as RestFaultStatus, retryAfterSec);
  },
  rate: (emulator, body) => {
    const symbol = body['symbol'];
    const perSecond = body['perSecond'];
    if (typeof symbol !== 'string' || typeof perSecond !== 'number' || !(perSecond >= 0)) {
      throw new AdminRequestError(400, 'expected {"symbol": string | "*", "perSecond": number >= 0}');
    }
    emulator.setTradeRate(symbol === '*' ? symbol : requireSymbol(emulator, symbol), perSecond);
  },
  lifetime: (emulator, body) => emulator.setConnectionLifetime(integer(body, 'ms', 1)),
  'symbol-status': (emulator, body) => {
    const { symbol, status } = body;
    if (typeof symbol !== 'string' || (status !== 'TRADING' && status !== 'HALT' && status !== 'BREAK')) {
      throw new AdminRequestError(400, 'expected {"symbol": string | "*", "status": "TRADING" | "HALT" | "BREAK"}');
    }
    emulator.setSymbolStatus(symbol === '*' ? symbol : requireSymbol(emulator, symbol), status as SymbolStatus);
  },
  'rest/weight-limit': (emulator, body) => emulator.setRestWeightLimit(integer(body, 'limit', 1)),
  'rest/lag': (emulator, body) => emulator.setRestLag(integer(body, 'ms', 0)),
  'rest/reset': (emulator) => emulator.resetRestLimits(),
  'archive/missing': (emulator, body) => emulator.makeArchiveFileMissing(...archiveFile(emulator, body)),
  'archive/corrupt-checksum': (emulator, body) => emulator.corruptArchiveChecksum(...archiveFile(emulator, body)),
  'archive/throttle': (emulator, body) => emulator.throttleArchive(integer(body, 'bytesPerSecond', 0)),
  'archive/reset': (emulator) => emulator.resetArchiveFaults(),
};

/** `{symbol, date}` of an archive file: `YYYY-MM-DD` names a daily file, `YYYY-MM` a monthly one. */
function archiveFile(emulator: EmulatorControl, body: Body): [symbol: string, date: string] {
  const { symbol, date } = body;
  if (typeof symbol !== 'string' || typeof date !== 'string' || !/^\d{4}-\d{2}(-\d{2})?$/.test(date)) {
    throw new AdminRequestError(400, 'expected {"symbol": string, "date": "YYYY-MM-DD" | "YYYY-MM"}');
  }
  return [requireSymbol(emulator, symbol), date];
}

/** `/emulator/*`: introspection and fault injection for tests that run the emulator as a separate process. */
export async function handleAdminRequest(
  emulator: EmulatorControl,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const path = url.pathname.slice('/emulator/'.length);
  const tradesMatch = /^trades\/([^/]+)$/.exec(path);
  const key = tradesMatch ? 'trades' : path;
  const symbol = tradesMatch ? decodeURIComponent(tradesMatch[1]) : '';
  const routes = request.method === 'GET' ? GET_ROUTES : request.method === 'POST' ? POST_ROUTES : {};
  const handler = Object.hasOwn(routes, key) ? routes[key] : undefined;
  if (!handler) {
    sendJson(response, 404, JSON.stringify({ error: `no admin route ${request.method} ${url.pathname}` }));
    return;
  }
  const body = request.method === 'POST' ? await readJsonObject(request) : {};
  if (body === null) {
    sendJson(response, 400, JSON.stringify({ error: 'body must be a JSON object' }));
    return;
  }
  try {
    const result = handler(emulator, body, url, symbol);
    sendJson(response, 200, JSON.stringify(result ?? { ok: true }));
  } catch (error) {
    const status = error instanceof AdminRequestError ? error.status : 400;
    sendJson(response, status, JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
  }
}

function requireSymbol(emulator: EmulatorControl, symbol: string): string {
  if (emulator.lastPrice(symbol) === undefined) {
    throw new AdminRequestError(404, `unknown symbol ${symbol}`);
  }
  return symbol;
}

function integer(body: Body, name: string, min: number): number {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new AdminRequestError(400, `${name} must be an integer >= ${min}`);
  }
  return value;
}

function optionalInteger(text: string | null, name: string): number | undefined {
  if (text === null || text === '') {
    return undefined;
  }
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new AdminRequestError(400, `${name} must be a non-negative integer`);
  }
  return value;
}
