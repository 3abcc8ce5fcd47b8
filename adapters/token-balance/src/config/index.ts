import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import { maxBodyBytesSetting, rpcTimeoutSetting } from '#common/settings'

/**
 * The settings of an EVM balance read, under the names every adapter reading them gives them
 * (the proof-of-reserves composite declares the same). The RPC settings are per network and
 * looked up when a request names the network (adapters/common/evm-rpc.ts): `<NETWORK>_RPC_URL`
 * (comma-separated URLs, in failover order) and `<NETWORK>_RPC_CHAIN_ID`.
 */
export const TOKEN_BALANCE_SETTINGS = {
  RPC_TIMEOUT_MS: rpcTimeoutSetting(),
  // decimals() and 1,000 balances are some 100 KiB of JSON-RPC answer, 5,000 some 500 KiB.
  RPC_MAX_BODY_BYTES: maxBodyBytesSetting('JSON-RPC', 4 * 1024 ** 2),
  MAX_WALLETS: {
    type: 'number',
    description:
      'Most wallets accepted in one request, over all its tokens and chains (a chain’s reads all go in one RPC call: mind the RPC’s gas cap for eth_call)',
    default: 1_000,
    validate: validator.integer({ min: 1, max: 5_000 }),
  },
} as const

/** The values of {@link TOKEN_BALANCE_SETTINGS}. */
export type TokenBalanceSettings = { [N in keyof typeof TOKEN_BALANCE_SETTINGS]: number }

export function makeConfig() {
  return new AdapterConfig(TOKEN_BALANCE_SETTINGS)
}

export type Settings = ReturnType<typeof makeConfig>['settings']
