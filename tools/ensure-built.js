#!/usr/bin/env node
// Runs `npm run build` when dist/ is missing or older than any source under apps/, libs/, bench/ or prisma/
// (a cheap mtime scan; generated and test files excluded). Otherwise does nothing.
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const SKIP_DIRS = new Set(['node_modules', 'generated', 'dist', 'coverage']);
const TEST_FILE = /\.(spec|int-spec|e2e-spec)\.ts$/;

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) {
    return newest;
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) {
        newest = Math.max(newest, newestMtime(join(dir, entry.name)));
      }
    } else if (!TEST_FILE.test(entry.name)) {
      newest = Math.max(newest, statSync(join(dir, entry.name)).mtimeMs);
    }
  }
  return newest;
}

const sources = Math.max(
  ...['apps', 'libs', 'bench', 'prisma'].map((dir) => newestMtime(join(root, dir))),
  ...['.swcrc', 'package.json', 'prisma.config.ts'].map((file) =>
    existsSync(join(root, file)) ? statSync(join(root, file)).mtimeMs : 0,
  ),
);
const built = existsSync(dist) ? newestMtime(dist) : 0;

if (built < sources) {
  console.error(built === 0 ? 'dist/ is missing: building…' : 'Sources changed since the last build: rebuilding…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
