#!/usr/bin/env node
// Runs `prisma generate` offline. The Prisma CLI insists on downloading its native schema engine before any
// command, even though `generate` only uses bundled WASM; pointing PRISMA_SCHEMA_ENGINE_BINARY at an existing
// file skips that download. The stub fails loudly if anything ever tries to execute it (a no-op stub would make
// `prisma migrate status` silently succeed). Skips everything when the generated client is newer than its inputs.
'use strict';

const { spawnSync } = require('node:child_process');
const { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const inputs = [join(root, 'prisma', 'schema.prisma'), join(root, 'prisma.config.ts'), join(root, 'node_modules', 'prisma', 'package.json')];
const marker = join(root, 'libs', 'storage', 'src', 'generated', 'prisma', 'client.ts');

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

const force = process.argv.includes('--force');
if (!force && mtime(marker) > Math.max(...inputs.map(mtime))) {
  process.exit(0);
}

const stubDir = join(root, 'node_modules', '.cache', 'binance-rates');
const stub = join(stubDir, 'schema-engine-unavailable');
if (!existsSync(stub)) {
  mkdirSync(stubDir, { recursive: true });
  writeFileSync(
    stub,
    '#!/bin/sh\necho "The native Prisma schema engine is not installed here; use npm run migrate:deploy / migrate:create." >&2\nexit 1\n',
  );
  chmodSync(stub, 0o755);
}

const result = spawnSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: stub,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
    PRISMA_GENERATE_NO_HINTS: '1',
  },
});
if (result.status !== 0) {
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  process.exit(result.status ?? 1);
}
