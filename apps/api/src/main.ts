import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppConfig, InvalidConfigError, loadConfig } from '@binance-rates/config';
import { createApp } from './app.factory';
import { openMutationsWarning } from './open-mutations.warning';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const app = await createApp(config);
  const logger = new Logger('Main');
  let closing = false;
  // Stop streaming, flush what is held, close the stores, then exit 0: a graceful stop is not a failure.
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) {
      return;
    }
    closing = true;
    logger.log(`${signal} received, shutting down`);
    setTimeout(() => {
      logger.error(`still shutting down after ${config.shutdownTimeoutMs} ms (SHUTDOWN_TIMEOUT_MS), exiting now`);
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error(`shutdown failed: ${error.stack ?? error.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await app.listen(config.port, config.host);
  const openMutations = openMutationsWarning(config);
  if (openMutations) {
    // Loud on purpose: the default compose setup and a bare `npm start` both leave these routes open.
    new Logger('Security').warn(`${'!'.repeat(12)} ${openMutations}`);
  }
  // Written whatever the log level: scripts and tests read the port from this line when PORT=0.
  const listening = `binance-rates ${config.instanceId} listening on ${await app.getUrl()} (Swagger at /api)`;
  process.stdout.write(
    config.logFormat === 'json'
      ? `${JSON.stringify({ level: 'log', pid: process.pid, timestamp: Date.now(), message: listening, context: 'Main' })}\n`
      : `${listening}\n`,
  );
}

main().catch((error: Error) => {
  process.stderr.write(`binance-rates failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
