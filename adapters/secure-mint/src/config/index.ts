import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import { BITCOIN_DEFAULT_OVERRIDES } from '#adapters/btc-balance/src/config/index'
import { PROOF_OF_RESERVES_SETTINGS } from '#adapters/proof-of-reserves/src/config/index'

/** The most supply chains `MAX_SUPPLY_CHAINS` may allow. */
export const MAX_SUPPLY_CHAINS_LIMIT = 64

/**
 * The adapter's settings: the proof-of-reserves composite's (the reserve is read by its code,
 * with its settings under the same names, so an operator's settings for the composite or any
 * standalone adapter work here as they are), and its own. The RPC settings are per network,
 * looked up when a request names one: `<NETWORK>_RPC_URL`, `<NETWORK>_RPC_CHAIN_ID`
 * (adapters/common/evm-rpc.ts); the supply chains are read with them too.
 */
export const SECURE_MINT_SETTINGS = {
  ...PROOF_OF_RESERVES_SETTINGS,
  MAX_SUPPLY_CHAINS: {
    type: 'number',
    description: 'Most supply chains in one request (each is read in parallel, at its own block)',
    default: 16,
    validate: validator.integer({ min: 1, max: MAX_SUPPLY_CHAINS_LIMIT }),
  },
} as const

export function makeConfig() {
  return new AdapterConfig(SECURE_MINT_SETTINGS, { envDefaultOverrides: BITCOIN_DEFAULT_OVERRIDES })
}

export type Settings = ReturnType<typeof makeConfig>['settings']
