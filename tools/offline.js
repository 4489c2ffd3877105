#!/usr/bin/env node
// Offline demo: starts the project's Binance emulator, then one service instance pointed at it.
// Ctrl-C stops both. Extra environment (PORT, DATABASE_URL, ...) passes through to the service.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const built = spawnSync(process.execPath, [join(__dirname, 'ensure-built.js')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const emulator = spawn(process.execPath, [join(root, 'dist/apps/binance-emulator/src/main.js')], {
  env: { ...process.env, EMULATOR_PORT: process.env.EMULATOR_PORT ?? '0' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let service = null;
let buffer = '';
emulator.stdout.on('data', (chunk) => {
  buffer += chunk.toString();
  const line = buffer.split('\n').find((candidate) => candidate.includes('"listening"'));
  if (!line || service) return;
  const { wsBaseUrl, restBaseUrl } = JSON.parse(line);
  process.stdout.write(`emulator: ${restBaseUrl}\n`);
  service = spawn(process.execPath, ['--max-semi-space-size=8', join(root, 'dist/apps/api/src/main.js')], {
    env: { ...process.env, BINANCE_WS_URL: wsBaseUrl, BINANCE_REST_URL: restBaseUrl },
    stdio: 'inherit',
  });
  service.on('exit', (code) => {
    emulator.kill('SIGTERM');
    process.exit(code ?? 0);
  });
});
emulator.on('exit', (code) => {
  if (!service) process.exit(code ?? 1);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (service) service.kill('SIGTERM');
    else emulator.kill('SIGTERM');
  });
}
