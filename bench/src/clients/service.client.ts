import { Agent } from 'node:http';
import type { HealthReport } from '@binance-rates/serving';
import { httpJson } from '../infra/http-json';

export interface ServicePrice {
  symbol: string;
  price: string | null;
  tradeId: number | null;
  tradeTime: number | null;
}

/** An import as GET /api/currency/{symbol}/imports/{id} answers it (the fields the bench reads). */
export interface ServiceImport {
  id: number;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  filesTotal: number;
  filesDone: number;
  missingFiles: string[];
  tradesStored: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The service's public REST API. */
export class ServiceClient {
  constructor(readonly baseUrl: string) {}

  /** POST /api/currency; returns the status (201 new, 200 already tracked). */
  async addCurrency(symbol: string): Promise<number> {
    const { status, body } = await httpJson({ method: 'POST', url: `${this.baseUrl}/api/currency`, body: { symbol } });
    if (status !== 200 && status !== 201) {
      throw new Error(`POST /api/currency ${symbol} answered ${status}: ${JSON.stringify(body)}`);
    }
    return status;
  }

  /** /health answers 503 while something is not ready; the body is the report either way. */
  async health(): Promise<HealthReport> {
    const { body } = await httpJson<HealthReport>({ method: 'GET', url: `${this.baseUrl}/health` });
    return body;
  }

  /** POST /api/currency/{symbol}/imports: the import queued (202). */
  async createImport(symbol: string, from: string, to: string): Promise<ServiceImport> {
    const { status, body } = await httpJson<ServiceImport>({ method: 'POST', url: `${this.baseUrl}/api/currency/${symbol}/imports`, body: { from, to } });
    if (status !== 202) {
      throw new Error(`POST /api/currency/${symbol}/imports answered ${status}: ${JSON.stringify(body)}`);
    }
    return body;
  }

  async getImport(symbol: string, id: number): Promise<ServiceImport> {
    const { status, body } = await httpJson<ServiceImport>({ method: 'GET', url: `${this.baseUrl}/api/currency/${symbol}/imports/${id}` });
    if (status !== 200) {
      throw new Error(`GET /api/currency/${symbol}/imports/${id} answered ${status}: ${JSON.stringify(body)}`);
    }
    return body;
  }

  /** A counter or gauge of /metrics (`binance_rates_<name>`), 0 when absent. */
  async metric(name: string): Promise<number> {
    const response = await fetch(`${this.baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`binance_rates_${name} `));
    return line === undefined ? 0 : Number(line.slice(line.indexOf(' ') + 1));
  }

  async price(symbol: string, agent?: Agent): Promise<ServicePrice> {
    const { status, body } = await httpJson<ServicePrice>({ method: 'GET', url: `${this.baseUrl}/api/currency/${symbol}`, agent });
    if (status !== 200) {
      throw new Error(`GET /api/currency/${symbol} answered ${status}: ${JSON.stringify(body)}`);
    }
    return body;
  }
}
