// ESM throughout: nock 15 and parts of the adapter framework's TestAdapter are ESM-only,
// so `npm test` runs Jest with NODE_OPTIONS=--experimental-vm-modules.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/{adapters,chain,devkit,upkeeps,guard,cre,demo,dashboard,test}/**/*.test.ts'],
  // The scale tests need redis-server, the browser tests chromium: `npm run test:scale` and
  // `npm run test:browser` run them (test/scale/jest.config.js, test/browser/jest.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/scale/', '<rootDir>/test/browser/'],
  setupFiles: ['<rootDir>/test/setup/env.ts'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 60_000,
}
