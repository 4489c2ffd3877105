const { readFileSync } = require('node:fs');

const swcConfig = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swcConfig.$schema;
swcConfig.sourceMaps = 'inline';
swcConfig.jsc.baseUrl = __dirname;

const aliases = Object.fromEntries(
  Object.entries(swcConfig.jsc.paths).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target}`,
  ]),
);

/** One runner for unit (*.spec.ts), integration (*.int-spec.ts) and end-to-end (*.e2e-spec.ts) tests. */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/bench', '<rootDir>/deploy'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcConfig, swcrc: false }] },
  moduleNameMapper: aliases,
  globalSetup: '<rootDir>/libs/testing/global-setup/global-setup.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
