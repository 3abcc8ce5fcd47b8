// `npm run test:browser`: the dashboard in a real browser (test/browser/), apart from `npm test`
// because it needs Debian's chromium installed. Each file starts its own local chain (the tests
// move its clock), adapter and dashboard; no shared local chains are started.
import base from '../../jest.config.js'

/** @type {import('jest').Config} */
export default {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 120_000,
}
