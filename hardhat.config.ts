import { createRequire } from 'node:module'
import { defineConfig } from 'hardhat/config'

const require = createRequire(import.meta.url)

// Compile offline with the solc-js build shipped in the `solc` npm package:
// Hardhat would otherwise download a native compiler, which this project never relies on.
const solcVersion: string = require('solc/package.json').version

export default defineConfig({
  paths: {
    sources: './contracts',
  },
  solidity: {
    version: solcVersion,
    path: require.resolve('solc/soljson.js'),
    // Artifacts for test doubles that live in npm packages (deployed by tests and benchmarks).
    npmFilesToBuild: ['@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol'],
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
    },
  },
  networks: {
    // Two simulated chains with different ids, served by `hardhat node --network <name>`
    // in the Jest global setup (test/setup/local-chains.ts).
    localA: { type: 'edr-simulated', chainId: 31337 },
    localB: { type: 'edr-simulated', chainId: 31338 },
  },
})
