/**
 * What the EVM layer knows of well-known chains: their block time, from which the defaults of
 * each network's head-freshness settings follow (adapters/common/evm-rpc.ts). A chain not listed
 * gets the defaults of an unknown chain; any default can be set per network.
 */
import type { FreshnessLimits } from './freshness'

/** A chain the freshness defaults know. */
export interface KnownChain {
  name: string
  /** Average seconds between blocks; undefined for a development chain that mines on demand. */
  blockTimeSeconds?: number
}

/** Well-known chains by chain id. Block times are averages, rounded up where they vary. */
export const KNOWN_CHAINS: Readonly<Record<string, KnownChain>> = {
  '1': { name: 'Ethereum', blockTimeSeconds: 12 },
  '11155111': { name: 'Sepolia', blockTimeSeconds: 12 },
  '17000': { name: 'Holesky', blockTimeSeconds: 12 },
  '560048': { name: 'Hoodi', blockTimeSeconds: 12 },
  '10': { name: 'OP Mainnet', blockTimeSeconds: 2 },
  '8453': { name: 'Base', blockTimeSeconds: 2 },
  '84532': { name: 'Base Sepolia', blockTimeSeconds: 2 },
  '42161': { name: 'Arbitrum One', blockTimeSeconds: 0.25 },
  '421614': { name: 'Arbitrum Sepolia', blockTimeSeconds: 0.25 },
  '137': { name: 'Polygon PoS', blockTimeSeconds: 2 },
  '56': { name: 'BNB Smart Chain', blockTimeSeconds: 3 },
  '43114': { name: 'Avalanche C-Chain', blockTimeSeconds: 2 },
  '100': { name: 'Gnosis', blockTimeSeconds: 5 },
  '59144': { name: 'Linea', blockTimeSeconds: 2 },
  '534352': { name: 'Scroll', blockTimeSeconds: 3 },
  '324': { name: 'zkSync Era', blockTimeSeconds: 1 },
  '5000': { name: 'Mantle', blockTimeSeconds: 2 },
  '31337': { name: 'Hardhat / Anvil (mines on demand)' },
  '31338': { name: "the test suite's second local chain (mines on demand)" },
  '1337': { name: 'Ganache / geth --dev (mines on demand)' },
}

/** Chain ids of the development chains {@link KNOWN_CHAINS} lists (they mine on demand), ascending. */
export const DEV_CHAIN_IDS: readonly number[] = Object.entries(KNOWN_CHAINS)
  .filter(([, chain]) => chain.blockTimeSeconds === undefined)
  .map(([chainId]) => Number(chainId))

/** Whether `chainId` is a development chain (Hardhat, Anvil, Ganache, the test suite's second chain). */
export function isDevChain(chainId: number | bigint): boolean {
  return DEV_CHAIN_IDS.includes(Number(chainId))
}

export type { FreshnessLimits } from './freshness'

/** The limits of a chain not in {@link KNOWN_CHAINS}: its block time is not known. */
export const UNKNOWN_CHAIN_LIMITS: FreshnessLimits = { maxHeadAgeSeconds: 300, maxLagBlocks: 5 }

/**
 * The default limits of chain `chainId`: a head at most 6 block times old (at least 60 s),
 * and a lag of at most 30 s worth of blocks (at least 2). A development chain that mines on
 * demand has heads of any age (no limit) and a lag of at most 5 blocks.
 */
export function defaultFreshness(chainId: bigint): FreshnessLimits {
  const chain = KNOWN_CHAINS[chainId.toString()]
  if (!chain) return UNKNOWN_CHAIN_LIMITS
  const { blockTimeSeconds } = chain
  if (blockTimeSeconds === undefined) return { maxHeadAgeSeconds: 0, maxLagBlocks: 5 }
  return {
    maxHeadAgeSeconds: Math.max(60, Math.ceil(6 * blockTimeSeconds)),
    maxLagBlocks: Math.max(2, Math.ceil(30 / blockTimeSeconds)),
  }
}
