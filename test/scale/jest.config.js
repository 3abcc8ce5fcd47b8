// `npm run test:scale`: the tests on a real Redis (test/scale/), apart from `npm test` because
// they need redis-server installed. Each file starts its own Redis and adapter processes; no
// local chains are started.
import base from '../../jest.config.js'

/** @type {import('jest').Config} */
export default {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/scale/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 180_000,
}
