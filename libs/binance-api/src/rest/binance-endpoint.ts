import type { RequestParams } from './request-params';

/** One `GET /api/v3/...` route: its request weight (from the parameters, as Binance weighs it) and its JSON answer. */
export interface BinanceEndpoint {
  weight(params: RequestParams): number;
  /** The JSON body; throws a BinanceApiError (or an error the router maps to one). */
  handle(params: RequestParams): Promise<string> | string;
}
