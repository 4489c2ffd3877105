import { Logger } from '@nestjs/common';
import { AggTrade } from '@binance-rates/domain';
import { AggTradesQuery } from './agg-trades.query';
import { RawExchangeInfo, RawExchangeInfoSymbol, RawRestAggTrade, RawRestError } from './binance-wire.types';
import { BinanceRestError } from './binance-rest.error';
import { AGG_TRADES_PAGE_LIMIT, BINANCE_REST_LIMITS } from './binance.limits';
import { InputQuarantine } from './input-quarantine';
import { RefusedInputError } from './refused-input.error';
import { parseAggTradesResponse, parseExchangeInfoSymbols } from './rest-response.parser';

export interface BinanceRestClientOptions {
  baseUrl: string;
  /** Weight this client allows itself per minute; Binance's limit is 6,000 per IP. */
  weightBudgetPerMinute: number;
  /** Default `BINANCE_REST_LIMITS.requestTimeoutMs`. */
  requestTimeoutMs?: number;
  /** Where refused answers are counted; a private one when not given. */
  quarantine?: InputQuarantine;
}

const WEIGHT = { aggTrades: 4, exchangeInfo: 20 } as const;
const DEFAULT_BAN_MS = 120_000;

/**
 * Binance REST with its limits respected: request weight is tracked from `X-MBX-USED-WEIGHT-1M` and requests wait
 * for the next minute rather than exceed the budget; a 429 pauses every request for `Retry-After`; a 418 (IP ban)
 * pauses for the ban and is logged loudly. An answer that is too large or not what was asked is refused with a
 * RefusedInputError and counted in the quarantine.
 */
export class BinanceRestClient {
  private readonly logger = new Logger(BinanceRestClient.name);
  private usedWeight = 0;
  private weightMinute = currentMinute();
  private pausedUntil = 0;

  private readonly requestTimeoutMs: number;
  private readonly quarantine: InputQuarantine;

  constructor(private readonly options: BinanceRestClientOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? BINANCE_REST_LIMITS.requestTimeoutMs;
    this.quarantine = options.quarantine ?? new InputQuarantine();
  }

  async aggTrades(query: AggTradesQuery): Promise<AggTrade[]> {
    const params = new URLSearchParams({ symbol: query.symbol, limit: String(query.limit ?? AGG_TRADES_PAGE_LIMIT) });
    if (query.fromId !== undefined) params.set('fromId', String(query.fromId));
    if (query.startTime !== undefined) params.set('startTime', String(query.startTime));
    if (query.endTime !== undefined) params.set('endTime', String(query.endTime));
    const path = `/api/v3/aggTrades?${params}`;
    const raw = await this.request<RawRestAggTrade[]>(path, WEIGHT.aggTrades, BINANCE_REST_LIMITS.maxAggTradesBodyBytes);
    try {
      return parseAggTradesResponse(query, raw);
    } catch (error) {
      this.quarantine.refuseError(error, `GET ${path}`);
      throw error;
    }
  }

  /** Every listed symbol in one request (weight 20), cheaper than asking symbol by symbol. */
  async exchangeInfo(): Promise<RawExchangeInfoSymbol[]> {
    const info = await this.request<RawExchangeInfo>('/api/v3/exchangeInfo', WEIGHT.exchangeInfo, BINANCE_REST_LIMITS.maxExchangeInfoBodyBytes);
    return parseExchangeInfoSymbols(info);
  }

  /** Milliseconds this client will wait before its next request, for health reporting. */
  pausedForMs(): number {
    return Math.max(0, this.pausedUntil - Date.now());
  }

  /** Epoch ms the latest pause (a 429's or a ban's Retry-After) ends or ended; 0 if there was none. */
  pauseEndsAt(): number {
    return this.pausedUntil;
  }

  /** How long one request may take at most once it is sent. */
  get requestDeadlineMs(): number {
    return this.requestTimeoutMs;
  }

  private async request<T>(path: string, weight: number, maxBodyBytes: number): Promise<T> {
    await this.waitForBudget(weight);
    this.usedWeight += weight;
    let response: Response;
    try {
      response = await fetch(`${this.options.baseUrl}${path}`, {
        signal: AbortSignal.timeout(this.requestTimeoutMs),
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      throw new BinanceRestError(`GET ${path} failed: ${(error as Error).message}`, 0, null);
    }
    this.readWeight(response);
    let body: string;
    try {
      body = await readBodyWithin(response, maxBodyBytes);
    } catch (error) {
      if (error instanceof RefusedInputError) {
        this.quarantine.refuseError(error, `GET ${path}`);
        throw error;
      }
      throw new BinanceRestError(`GET ${path} failed reading its body: ${(error as Error).message}`, 0, null);
    }
    if (response.ok) {
      return JSON.parse(body) as T;
    }
    const retryAfterMs = Number(response.headers.get('retry-after') ?? NaN) * 1000;
    if (response.status === 429 || response.status === 418) {
      const pauseMs = Number.isFinite(retryAfterMs) ? retryAfterMs : response.status === 418 ? DEFAULT_BAN_MS : 60_000;
      this.pausedUntil = Math.max(this.pausedUntil, Date.now() + pauseMs);
      const what = response.status === 418 ? 'IP banned by Binance' : 'rate limited by Binance';
      this.logger.error(`${what} on GET ${path}: pausing REST for ${pauseMs} ms`);
    }
    let parsed: RawRestError | null = null;
    try {
      parsed = JSON.parse(body) as RawRestError;
    } catch {
      parsed = null;
    }
    throw new BinanceRestError(
      `GET ${path} answered ${response.status}${parsed ? `: ${parsed.code} ${parsed.msg}` : ''}`,
      response.status,
      parsed?.code ?? null,
    );
  }

  private readWeight(response: Response): void {
    const header = response.headers.get('x-mbx-used-weight-1m');
    if (header === null) {
      return;
    }
    const used = Number(header);
    if (Number.isFinite(used)) {
      this.weightMinute = currentMinute();
      this.usedWeight = Math.max(this.usedWeight, used);
    }
  }

  private async waitForBudget(weight: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (now < this.pausedUntil) {
        await sleep(this.pausedUntil - now);
        continue;
      }
      if (currentMinute() !== this.weightMinute) {
        this.weightMinute = currentMinute();
        this.usedWeight = 0;
      }
      if (this.usedWeight + weight <= this.options.weightBudgetPerMinute) {
        return;
      }
      await sleep(60_000 - (now % 60_000) + 10);
    }
  }
}

/**
 * The body as text, refused with a RefusedInputError once it is known to exceed `maxBytes` (by its Content-Length, or
 * while it streams in) without reading the rest. The request's timeout signal still bounds the reading.
 */
async function readBodyWithin(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const refuse = (size: string) => {
    void response.body?.cancel().catch(() => undefined);
    return new RefusedInputError('body_oversized', `${response.url} answered a body of ${size} bytes, over the ${maxBytes} read`);
  };
  if (declared > maxBytes) {
    throw refuse(String(declared));
  }
  if (response.body === null) {
    return '';
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    received += value.byteLength;
    if (received > maxBytes) {
      void reader.cancel().catch(() => undefined);
      throw new RefusedInputError('body_oversized', `${response.url} answered a body of over ${maxBytes} bytes, more than is read`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function currentMinute(): number {
  return Math.floor(Date.now() / 60_000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
