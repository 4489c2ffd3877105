import { Agent } from 'node:http';
import type { HealthReport } from '@binance-rates/serving';
import { httpJson } from '../infra/http-json';

export interface ServicePrice {
  symbol: string;
  price: string | null;
  tradeId: number | null;
  tradeTime: number | null;
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

  async price(symbol: string, agent?: Agent): Promise<ServicePrice> {
    const { status, body } = await httpJson<ServicePrice>({ method: 'GET', url: `${this.baseUrl}/api/currency/${symbol}`, agent });
    if (status !== 200) {
      throw new Error(`GET /api/currency/${symbol} answered ${status}: ${JSON.stringify(body)}`);
    }
    return body;
  }
}
