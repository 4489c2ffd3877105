import { ConsoleLogger, LogLevel, Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '@binance-rates/config';
import { BinanceRestRouter, BinanceStreamServer, addBinanceApiToOpenApi, installBinanceApi } from '@binance-rates/binance-api';
import {
  CorsPolicy,
  SymbolsController,
  HttpExceptionFilter,
  installClientRateLimit,
  installPriceReadFastPath,
} from '@binance-rates/http';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppModule } from './app.module';
import { serveDashboard } from './dashboard-assets';
import { completeOperations, createOpenApiDocument } from './openapi-document';
import type { MigrationsWorkerResult } from './migrations.worker';

const LOG_LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  info: ['fatal', 'error', 'warn', 'log'],
  warn: ['fatal', 'error', 'warn'],
  error: ['fatal', 'error'],
};

/**
 * Builds the whole service: migrations applied, Fastify, validation, one error format, CORS if asked, the price fast
 * path, a request limit per client unless turned off, the Binance-compatible API (`/api/v3`, `/ws`, `/stream`), the
 * dashboard at /, Swagger at /api.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  await runMigrations(config.database.url);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: 64 * 1024 }),
    { logger: createLogger(config), bufferLogs: false },
  );
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );
  const filter = new HttpExceptionFilter();
  app.useGlobalFilters(filter);
  const cors = new CorsPolicy(config.corsOrigins);
  if (cors.enabled) {
    if (config.apiKeys.length === 0) {
      new Logger('Security').warn('CORS_ORIGINS is set and API_KEYS is not: pages on those origins can add and remove symbols');
    }
    app.enableCors({
      origin: (origin, done) => done(null, cors.allowOriginFor(origin) ?? false),
      methods: ['GET', 'POST', 'DELETE'],
      maxAge: 600,
    });
  }
  installPriceReadFastPath(app.getHttpServer(), app.get(SymbolsController), filter, cors);
  // After the fast path, so that it counts the requests the fast path answers too.
  if (config.rateLimit.perSecond > 0) {
    installClientRateLimit({ server: app.getHttpServer(), limits: config.rateLimit, cors });
  }
  // Outermost: Binance clients get Binance's answers and its request-weight limit, not our request limit.
  installBinanceApi(app.getHttpServer(), app.get(BinanceRestRouter), app.get(BinanceStreamServer));
  closeLingeringConnections(app, config.shutdownTimeoutMs * 0.1);
  await serveDashboard(app);
  const document = completeOperations(addBinanceApiToOpenApi(createOpenApiDocument(app)));
  SwaggerModule.setup('api', app, document, { jsonDocumentUrl: 'api-json' });
  return app;
}

/** Nest's console logger: JSON lines when asked, otherwise text, coloured only on a terminal (not in `docker logs`). */
function createLogger(config: AppConfig): ConsoleLogger {
  const json = config.logFormat === 'json';
  return new ConsoleLogger({ logLevels: LOG_LEVELS[config.logLevel], json, colors: !json && process.stdout.isTTY === true });
}

/**
 * At shutdown the HTTP server stops accepting and closes idle keep-alive connections, but waits for every request
 * still in progress, and a client that sent half a request or stopped reading a large answer keeps one in progress
 * for as long as it likes: the stop hung on it. Requests get `graceMs` to finish, then every connection is closed.
 */
function closeLingeringConnections(app: NestFastifyApplication, graceMs: number): void {
  const server = app.getHttpServer();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preClose', (done) => {
      setTimeout(() => server.closeAllConnections(), graceMs).unref();
      done();
    });
}

/**
 * Applies pending migrations in a worker thread: Prisma's WebAssembly schema engine keeps ~15-20 MB of memory that
 * would otherwise stay in the service's RSS for its whole life.
 */
function runMigrations(databaseUrl: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'migrations.worker.js'), { workerData: { databaseUrl } });
    let result: MigrationsWorkerResult | undefined;
    worker.once('message', (message: MigrationsWorkerResult) => {
      result = message;
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', () => {
      if (result?.applied) {
        resolve(result.applied);
      } else {
        reject(new Error(`migrations failed: ${result?.error ?? 'the migrations worker stopped without an answer'}`));
      }
    });
  });
}
