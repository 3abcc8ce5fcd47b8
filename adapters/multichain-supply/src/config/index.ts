import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import { maxBodyBytesSetting, rpcTimeoutSetting } from '#common/settings'

/**
 * The adapter's own settings. The RPC settings are per network and looked up when a request
 * names the network (adapters/common/evm-rpc.ts): `<NETWORK>_RPC_URL` (comma-separated URLs,
 * in failover order) and `<NETWORK>_RPC_CHAIN_ID`.
 */
export function makeConfig() {
  return new AdapterConfig({
    RPC_TIMEOUT_MS: rpcTimeoutSetting(),
    // totalSupply, decimals and 1,000 balances are some 100 KiB of JSON-RPC answer.
    RPC_MAX_BODY_BYTES: maxBodyBytesSetting('JSON-RPC', 4 * 1024 ** 2),
    MAX_EXCLUDED: {
      type: 'number',
      description:
        'Most excluded holders accepted in one request (a chain’s reads all go in one RPC round trip)',
      default: 1_000,
      validate: validator.integer({ min: 0, max: 10_000 }),
    },
  })
}

export type Settings = ReturnType<typeof makeConfig>['settings']
