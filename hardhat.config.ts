import { createRequire } from 'node:module'
import { defineConfig } from 'hardhat/config'
import type { HardhatPlugin } from 'hardhat/types/plugins'
import { withoutDependencyWarnings } from './scripts/solc-warnings'

const require = createRequire(import.meta.url)

/**
 * Every compiler is a solc-js build from npm, so nothing is downloaded: `solc` (our own
 * contracts) and npm aliases of `solc` at the exact pragma of the Chainlink contracts we deploy
 * as they ship (`solc-0.8.19`: Automation 2.3; `solc-0.8.26`: DataFeedsCache; `solc-0.8.24`:
 * KeystoneForwarder; `solc-0.6.6`: EACAggregatorProxy and FluxAggregator; `solc-0.8.16`: the
 * Automation 2.1 registrar, kept only so the tooling's refusal of 2.1 is tested against the real
 * contract).
 */
function solcJs(pkg: string, runs = 200, evmVersion?: string, viaIR = false) {
  return {
    version: require(`${pkg}/package.json`).version as string,
    path: require.resolve(`${pkg}/soljson.js`),
    settings: {
      optimizer: { enabled: true, runs },
      ...(evmVersion ? { evmVersion } : {}),
      ...(viaIR ? { viaIR } : {}),
    },
  }
}

const CHAINLINK = '@chainlink/contracts/src/v0.8'
const KEYSTONE_FORWARDER = `${CHAINLINK}/keystone/KeystoneForwarder.sol`
const DATA_FEEDS_CACHE = `${CHAINLINK}/data-feeds/DataFeedsCache.sol`

/** Chainlink contracts built from their npm packages (deployed by tests, benches, tooling and the demo). */
const chainlinkSources = [
  `${CHAINLINK}/shared/mocks/MockV3Aggregator.sol`,
  // Automation 2.3: registry (main contract and its three logic contracts), registrar, forwarder logic.
  `${CHAINLINK}/automation/v2_3/AutomationRegistry2_3.sol`,
  `${CHAINLINK}/automation/v2_3/AutomationRegistryLogicA2_3.sol`,
  `${CHAINLINK}/automation/v2_3/AutomationRegistryLogicB2_3.sol`,
  `${CHAINLINK}/automation/v2_3/AutomationRegistryLogicC2_3.sol`,
  `${CHAINLINK}/automation/v2_3/AutomationRegistrar2_3.sol`,
  `${CHAINLINK}/automation/AutomationForwarderLogic.sol`,
  // The registry's chain module for a chain without L1 fees (block number, block hash, overheads).
  `${CHAINLINK}/automation/chains/ChainModuleBase.sol`,
  `${CHAINLINK}/shared/token/ERC677/LinkToken.sol`,
  `${CHAINLINK}/vendor/canonical-weth/WETH9.sol`,
  `${CHAINLINK}/automation/v2_1/AutomationRegistrar2_1.sol`,
  // CRE: the forwarder that delivers signed workflow reports to an IReceiver, and the cache CRE data feeds
  // are written to (read through a proxy, as any Data Feed).
  KEYSTONE_FORWARDER,
  DATA_FEEDS_CACHE,
  // The proxy every Data Feed is read through (only in @chainlink/contracts 0.8.0).
  '@chainlink/contracts-0.8.0/src/v0.6/EACAggregatorProxy.sol',
  // A Chainlink aggregator that emits AnswerUpdated on every round (the demo's feed; today's PoR feeds run
  // OCR2 aggregators, which no npm package publishes).
  '@chainlink/contracts-0.8.0/src/v0.6/FluxAggregator.sol',
]

/**
 * Chainlink ACE (`@chainlink/ace` 1.0.0, BUSL-1.1: a dev dependency, deployed only by the tests that show our
 * feeds driving ACE's gate and compare our rules with its SecureMintPolicy; nothing of it is in our build's
 * output). Its sources are in a Foundry layout: Hardhat reads the package's own remappings.txt
 * (`@chainlink/policy-management/` → `packages/policy-management/src/`, OpenZeppelin and `@chainlink/contracts`
 * from npm). Their pragmas float (`^0.8.20`), so each is built as ACE's foundry.toml builds it: solc 0.8.26,
 * via-IR, 8000 optimizer runs, Paris; and so is the OpenZeppelin ERC1967Proxy ACE deploys each of them behind.
 */
const ACE = '@chainlink/ace/packages'
const aceSources = [
  `${ACE}/policy-management/src/core/PolicyEngine.sol`,
  `${ACE}/policy-management/src/policies/SecureMintPolicy.sol`,
  `${ACE}/policy-management/src/policies/PausePolicy.sol`,
  `${ACE}/policy-management/src/policies/OnlyOwnerPolicy.sol`,
  `${ACE}/policy-management/src/extractors/ComplianceTokenMintBurnExtractor.sol`,
  `${ACE}/tokens/erc-20/src/ComplianceTokenERC20.sol`,
  '@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol',
]
const aceCompiler = solcJs('solc-0.8.26', 8000, 'paris', true)

/**
 * Chainlink CCIP (`@chainlink/contracts-ccip` 2.0.0, BUSL-1.1: a dev dependency, deployed only by the tests that
 * show the secure-mint adapter counting bridge burns and mints in flight): a token pool that burns and mints, and
 * the Router and RMN (behind its proxy) every pool is built against. Their pragmas float (`^0.8.24`): each is built
 * as the package's foundry.toml builds it (solc 0.8.26, Paris, the optimizer at its default 200 runs); the
 * package's remappings.txt maps its `@openzeppelin/contracts@5.3.0` imports to its npm alias.
 */
const CCIP = '@chainlink/contracts-ccip/contracts'
const ccipSources = [
  `${CCIP}/pools/BurnMintTokenPool.sol`,
  `${CCIP}/tokens/CrossChainToken.sol`,
  `${CCIP}/Router.sol`,
  `${CCIP}/rmn/RMN.sol`,
  `${CCIP}/rmn/RMNProxy.sol`,
]
const ccipCompiler = solcJs('solc-0.8.26', 200, 'paris')

/**
 * Builds ACE's sources in one solc run. Hardhat merges compilation jobs whose resolved compiler configs are the
 * same object, and resolves each override to an object of its own: without this, each ACE source is its own
 * via-IR run, recompiling what they share (the policy base, the token the mint extractor imports), about twice
 * the CPU time.
 */
const aceInOneCompilation: HardhatPlugin = {
  id: 'ace-in-one-compilation',
  hookHandlers: {
    config: async () => ({
      default: async () => ({
        resolveUserConfig: async (userConfig, resolveConfigurationVariable, next) => {
          const resolved = await next(userConfig, resolveConfigurationVariable)
          for (const profile of Object.values(resolved.solidity.profiles)) {
            const shared = profile.overrides[aceSources[0]]
            for (const source of aceSources) profile.overrides[source] = shared
          }
          return resolved
        },
      }),
    }),
  },
}

/** Drops solc's warnings about npm packages' sources, keeping ours (scripts/solc-warnings.ts). */
const quietDependencies: HardhatPlugin = {
  id: 'quiet-dependency-warnings',
  hookHandlers: {
    solidity: async () => ({
      default: async () => ({
        getCompilationJobErrors: (context, job, output, next) =>
          next(context, job, {
            ...output,
            errors: output.errors && withoutDependencyWarnings(output.errors),
          }),
      }),
    }),
  },
}

/**
 * The guard is built via IR: its entry points, three pause modes, ACE's five margin modes computed in 512 bits and
 * two log triggers make 24,642 bytes of runtime code through the legacy pipeline, past EIP-170's 24,576-byte limit
 * (a chain refuses to deploy it); via IR, with the same 200 optimizer runs, about 20,100.
 */
const RESERVE_GUARD = 'contracts/ReserveGuard.sol'

export default defineConfig({
  plugins: [quietDependencies, aceInOneCompilation],
  paths: {
    sources: './contracts',
  },
  solidity: {
    compilers: [
      { ...solcJs('solc'), settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun' } },
      solcJs('solc-0.8.26', 200, 'paris'),
      solcJs('solc-0.8.19', 200, 'paris'),
      solcJs('solc-0.8.16', 200, 'london'),
      solcJs('solc-0.6.6', 200, 'istanbul'),
    ],
    // A floating pragma would get our own solc: KeystoneForwarder (`^0.8.19` in 1.5.0) is built with the
    // compiler Chainlink builds it with (the `keystone` profile of the package's foundry.toml).
    overrides: {
      [KEYSTONE_FORWARDER]: solcJs('solc-0.8.24', 200, 'paris'),
      [RESERVE_GUARD]: solcJs('solc', 200, 'cancun', true),
      ...Object.fromEntries(aceSources.map((source) => [source, aceCompiler])),
      ...Object.fromEntries(ccipSources.map((source) => [source, ccipCompiler])),
    },
    npmFilesToBuild: [...chainlinkSources, ...aceSources, ...ccipSources],
  },
  networks: {
    // Two simulated chains with different ids, served by `hardhat node --network <name>`
    // (devkit/chains.ts).
    localA: { type: 'edr-simulated', chainId: 31337 },
    localB: { type: 'edr-simulated', chainId: 31338 },
  },
})
