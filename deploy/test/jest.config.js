// The container test (`npm run test:containers`, part of `npm test`): the image and the compose stack, run for real.
const base = require('../../jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/deploy'],
  testMatch: ['**/*.container-spec.ts'],
  globalSetup: undefined,
  maxWorkers: 1,
};
