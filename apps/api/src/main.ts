import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { InvalidConfigError, loadConfig } from '@binance-rates/config';
import { createApp } from './app.factory';

async function main(): Promise<void> {
  let config;
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
  await app.listen(config.port, '0.0.0.0');
  new Logger('Main').log(`binance-rates ${config.instanceId} listening on ${await app.getUrl()} (Swagger at /api)`);
}

main().catch((error: Error) => {
  process.stderr.write(`binance-rates failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
