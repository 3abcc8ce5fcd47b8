import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import { maxBodyBytesSetting, rpcTimeoutSetting } from '#common/settings'

/**
 * The settings of an address-list read, under the names every adapter reading one gives them
 * (the proof-of-reserves composite declares the same). The RPC of the chain holding the list is
 * per network and looked up when a request names it (`contractAddressNetwork`, see
 * adapters/common/evm-rpc.ts): `<NETWORK>_RPC_URL` (comma-separated URLs, in failover order) and
 * `<NETWORK>_RPC_CHAIN_ID`.
 */
export const ADDRESS_LIST_SETTINGS = {
  RPC_TIMEOUT_MS: rpcTimeoutSetting(),
  // A batch of 1,000 entries with their network and chain id strings is some hundreds of KiB,
  // Multicall3's encoding included; 10,000 in one answer stay under a few MiB.
  RPC_MAX_BODY_BYTES: maxBodyBytesSetting('JSON-RPC', 16 * 1024 ** 2),
  MAX_ADDRESSES: {
    type: 'number',
    description: 'Longest address list accepted; a longer one is an error, never a truncated list',
    default: 10_000,
    validate: validator.integer({ min: 1, max: 100_000 }),
  },
  MAX_BATCH_SIZE: {
    type: 'number',
    description: 'Largest batchSize a request may ask for',
    default: 1_000,
    validate: validator.integer({ min: 1, max: 10_000 }),
  },
} as const

/** The adapter's own settings. */
export function makeConfig() {
  return new AdapterConfig(ADDRESS_LIST_SETTINGS)
}

export type Settings = ReturnType<typeof makeConfig>['settings']
