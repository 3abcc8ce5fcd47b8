import { ReserveAdapter } from '#common/adapter'
import { noEvmNetworkConfigured } from '#common/evm-rpc'
import { makeConfig } from './config'
import { makeSupplyEndpoint } from './endpoint/supply'

export const description =
  'Circulating supply of one token across EVM chains (totalSupply − excluded holders), one block per chain'

/** A fresh adapter (a transport initializes once, so tests build one per configuration). */
export function makeAdapter() {
  return new ReserveAdapter({
    name: 'MULTICHAIN_SUPPLY',
    defaultEndpoint: 'supply',
    config: makeConfig(),
    noProviderConfigured: () => noEvmNetworkConfigured(),
    endpoints: [makeSupplyEndpoint()],
  })
}

export const adapter = makeAdapter()
