import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ServingError } from '@binance-rates/serving';
import { ApiKeyRejectedError } from './api-key.guard';

const STATUS_BY_CODE: Record<string, number> = {
  SYMBOL_NOT_TRACKED: HttpStatus.NOT_FOUND,
  SYMBOL_NEVER_TRACKED: HttpStatus.NOT_FOUND,
  SYMBOL_UNKNOWN: HttpStatus.UNPROCESSABLE_ENTITY,
  SYMBOL_NOT_TRADING: HttpStatus.UNPROCESSABLE_ENTITY,
  EXCHANGE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  PUSH_CLIENTS_FULL: HttpStatus.SERVICE_UNAVAILABLE,
  CANDLES_WINDOW_TOO_LARGE: HttpStatus.UNPROCESSABLE_ENTITY,
  CANDLES_BUSY: HttpStatus.SERVICE_UNAVAILABLE,
  HISTORY_READS_BUSY: HttpStatus.SERVICE_UNAVAILABLE,
  PUSH_FOLLOWS_FULL: HttpStatus.SERVICE_UNAVAILABLE,
  IMPORT_RANGE_INVALID: HttpStatus.BAD_REQUEST,
  IMPORT_NOT_FOUND: HttpStatus.NOT_FOUND,
};

/** What an error body needs to know of the request it answers. */
export interface ErrorContext {
  method?: string;
  url?: string;
  routeOptions?: { url?: string };
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  details?: string[];
}

/** Every error leaves as `{statusCode, error, message}`; anything unexpected is logged and becomes a plain 500. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const body = this.toBody(exception, request);
    if (exception instanceof ApiKeyRejectedError) {
      void reply.header('www-authenticate', 'Bearer realm="binance-rates"');
    }
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  /** The response body for any error, shared with routes answered outside Nest's router. */
  toBody(exception: unknown, request: ErrorContext): ErrorBody {
    if (exception instanceof ServingError) {
      const statusCode = STATUS_BY_CODE[exception.code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
      return { statusCode, error: reasonPhrase(statusCode), message: exception.message, code: exception.code };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const messages = Array.isArray(raw) ? raw.map(String) : [String(raw ?? exception.message)];
      const code = typeof response === 'object' ? (response as { code?: unknown }).code : undefined;
      return {
        statusCode,
        error: reasonPhrase(statusCode),
        message: messages.join('; '),
        ...(typeof code === 'string' ? { code } : {}),
        ...(messages.length > 1 ? { details: messages } : {}),
      };
    }
    const fastifyError = exception as { statusCode?: unknown; message?: unknown };
    if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return { statusCode: fastifyError.statusCode, error: reasonPhrase(fastifyError.statusCode), message: String(fastifyError.message) };
    }
    this.logger.error(
      `${request.method} ${request.url} failed: ${(exception as Error)?.stack ?? String(exception)}`,
    );
    return { statusCode: 500, error: reasonPhrase(500), message: `${request.method} ${request.routeOptions?.url ?? request.url} failed unexpectedly` };
  }
}

function reasonPhrase(statusCode: number): string {
  const phrases: Record<number, string> = {
    400: 'Bad Request',
    404: 'Not Found',
    405: 'Method Not Allowed',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return phrases[statusCode] ?? HttpStatus[statusCode]?.replace(/_/g, ' ').toLowerCase().replace(/\b\w/g, (c) => c.toUpperCase()) ?? 'Error';
}
