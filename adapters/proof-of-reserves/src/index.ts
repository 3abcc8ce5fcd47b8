import { ReserveAdapter } from '#common/adapter'
import { noEvmNetworkConfigured } from '#common/evm-rpc'
import { parseUrlList } from '#common/provider-client'
import { ESPLORA_URL_SETTING } from '#adapters/btc-balance/src/config/index'
import { makeConfig } from './config'
import { makeReservesEndpoint } from './endpoint/reserves'

export const description =
  'A reserve made of several parts (bitcoin, EVM tokens, attested or vaulted figures), converted through on-chain feeds and summed exactly: the total alone'

/** The settings naming a provider: one of them must be set. */
const PROVIDER_URLS = [
  ...Object.values(ESPLORA_URL_SETTING),
  'ATTESTATION_API_URL',
  'GOLD_VAULT_API_URL',
] as const

/** A fresh adapter (a transport initializes once, so tests build one per configuration). */
export function makeAdapter() {
  return new ReserveAdapter({
    name: 'PROOF_OF_RESERVES',
    defaultEndpoint: 'reserves',
    config: makeConfig(),
    noProviderConfigured: (settings) =>
      PROVIDER_URLS.some((name) => parseUrlList(settings[name]).length > 0) || !noEvmNetworkConfigured()
        ? undefined
        : `set at least one provider: ${PROVIDER_URLS.join(', ')}, or <NETWORK>_RPC_URL and <NETWORK>_RPC_CHAIN_ID`,
    endpoints: [makeReservesEndpoint()],
  })
}

export const adapter = makeAdapter()
