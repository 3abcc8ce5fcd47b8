import { ReserveAdapter } from '#common/adapter'
import { noEvmNetworkConfigured } from '#common/evm-rpc'
import { makeConfig } from './config'
import { makeAddressEndpoint } from './endpoint/address'

export const description =
  'Custodian addresses published in an on-chain PoRAddressList contract, read whole at one block'

/** A fresh adapter (a transport initializes once, so tests build one per configuration). */
export function makeAdapter() {
  return new ReserveAdapter({
    name: 'POR_ADDRESS_LIST',
    defaultEndpoint: 'address',
    config: makeConfig(),
    noProviderConfigured: () => noEvmNetworkConfigured(),
    endpoints: [makeAddressEndpoint()],
  })
}

export const adapter = makeAdapter()
