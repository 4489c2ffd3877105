import nx from '@nx/eslint-plugin';

/** What each kind of project may import (Nx tags, see each project.json). */
const depConstraints = [
  { sourceTag: 'type:config', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:domain', 'type:config'] },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:config'],
  },
  {
    sourceTag: 'type:serving',
    onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:config'],
  },
  // The Binance-compatible API: Binance's own protocol over what the service serves, wired in by the app.
  {
    sourceTag: 'type:protocol',
    onlyDependOnLibsWithTags: ['type:serving', 'type:feature', 'type:data-access', 'type:domain', 'type:config'],
  },
  {
    sourceTag: 'type:http',
    onlyDependOnLibsWithTags: ['type:serving', 'type:data-access', 'type:domain', 'type:config'],
  },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:config', 'type:emulator'],
  },
  // Jest's global setup: migrates the template database with the storage library's own code.
  { sourceTag: 'type:test-setup', onlyDependOnLibsWithTags: ['type:testing', 'type:data-access'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['*'] },
  // The browser page (apps/dashboard) knows the service only through HTTP: it imports none of its code.
  { sourceTag: 'type:dashboard', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing', 'type:domain', 'type:config', 'type:emulator'] },
];

/**
 * Specs may also use test infrastructure: the shared builders (libs/testing) and the Binance emulator. Not in the
 * pure libraries that libs/testing is built on (config, domain): their specs need neither, and importing
 * libs/testing there would be a cycle.
 */
const testInfrastructure = ['type:testing', 'type:emulator'];
const builtOnByTesting = new Set(['type:config', 'type:domain']);
const specDepConstraints = depConstraints.map((constraint) =>
  builtOnByTesting.has(constraint.sourceTag) || constraint.onlyDependOnLibsWithTags.includes('*')
    ? constraint
    : { ...constraint, onlyDependOnLibsWithTags: [...new Set([...constraint.onlyDependOnLibsWithTags, ...testInfrastructure])] },
);

const specFiles = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.fixtures.ts'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', 'tmp/**', 'libs/storage/src/generated/**', 'coverage/**'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints }],
    },
  },
  {
    files: specFiles,
    rules: {
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints: specDepConstraints }],
      // Tests index what they just built; a wrong assumption fails the test, which is the point.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
];
