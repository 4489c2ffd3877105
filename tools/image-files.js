#!/usr/bin/env node
// Copies what the container image runs, and nothing else, into one folder (the Dockerfile's build stage calls it):
// the files Node loads from the service's and the emulator's entry points, traced by @vercel/nft through every
// require and import, plus the few files read by path at run time that no tracer can see. A production
// `node_modules` holds ~440 MB (Prisma's CLI, Studio and TypeScript come in as peers of @prisma/client, the
// query compiler ships for six databases); the service loads a small part of it.
'use strict';

const { nodeFileTrace } = require('@vercel/nft');
const { cpSync, mkdirSync, readdirSync, statSync } = require('node:fs');
const { dirname, join } = require('node:path');

const ENTRY_POINTS = [
  'dist/apps/api/src/main.js',
  // Started as a worker thread by path (apps/api/src/app.factory.ts), so no require leads to it.
  'dist/apps/api/src/migrations.worker.js',
  'dist/apps/binance-emulator/src/main.js',
];

/** Loaded through Node's loader by resolved path (libs/storage/src/schema-engine.ts, `nativeLoad`): traced from here. */
const LOADED_BY_NAME = ['pg', '@prisma/adapter-pg', '@prisma/driver-adapter-utils', '@prisma/schema-engine-wasm/schema_engine_bg'];
/** Read by path at run time: the migrations the service applies, the schema engine's WebAssembly, Swagger UI's assets. */
const READ_BY_PATH = ['package.json', 'prisma/migrations', 'node_modules/@prisma/schema-engine-wasm', 'node_modules/swagger-ui-dist'];
/** Never served nor loaded: source maps, and the ES-module and unbundled builds of Swagger UI (~10 MB together). */
const NOT_NEEDED = /\.map$|\/swagger-ui-dist\/(swagger-ui-es-bundle|swagger-ui\.js$)/;
/** Optional modules their callers load inside a try (Nest's other platforms, ws's native helpers, pg-native). */
const OPTIONAL = /^Failed to resolve dependency/;

async function main() {
  const [out] = process.argv.slice(2);
  if (!out) {
    throw new Error('usage: image-files.js <output folder>');
  }
  const root = join(__dirname, '..');
  const entries = [...ENTRY_POINTS, ...LOADED_BY_NAME.map((id) => require.resolve(id, { paths: [root] }))];
  const { fileList, warnings } = await nodeFileTrace(entries, { base: root, processCwd: root });
  const optional = [...warnings].filter((warning) => OPTIONAL.test(warning.message));
  for (const warning of warnings) {
    if (!optional.includes(warning)) {
      process.stderr.write(`image-files: ${warning.message}\n`);
    }
  }
  for (const file of [...fileList, ...READ_BY_PATH]) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    cpSync(join(root, file), join(out, file), { recursive: true, dereference: true, filter: (from) => !NOT_NEEDED.test(from) });
  }
  process.stdout.write(
    `image-files: ${fileList.size} traced files and ${READ_BY_PATH.length} read by path, ${(sizeOf(out) / 1e6).toFixed(1)} MB; ` +
      `${optional.length} optional modules left out (their callers load them in a try)\n`,
  );
}

function sizeOf(path) {
  const stat = statSync(path);
  return stat.isDirectory() ? readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0) : stat.size;
}

main().catch((error) => {
  process.stderr.write(`image-files: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
