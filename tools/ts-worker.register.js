'use strict';
// Loaded with `--require` into a worker thread that a test started from TypeScript sources (jest runs them; the build
// compiles them to dist/): compiles each `.ts` file as it is required, with the build's swc settings, so the worker
// runs the same sources as the test. The built service never loads this.

const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const root = join(__dirname, '..');
const swcConfig = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
delete swcConfig.$schema;
swcConfig.sourceMaps = 'inline';
swcConfig.jsc.baseUrl = root;

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...swcConfig, swcrc: false, filename });
  module._compile(code, filename);
};
