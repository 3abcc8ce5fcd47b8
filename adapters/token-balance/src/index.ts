import { ReserveAdapter } from '#common/adapter'
import { noEvmNetworkConfigured } from '#common/evm-rpc'
import { makeConfig } from './config'
import { makeEvmEndpoint } from './endpoint/evm'

export const description =
  'Native and ERC-20 balances of custodian wallets on EVM chains, one block per chain, summed exactly'

/** A fresh adapter (a transport initializes once, so tests build one per configuration). */
export function makeAdapter() {
  return new ReserveAdapter({
    name: 'TOKEN_BALANCE',
    defaultEndpoint: 'evm',
    config: makeConfig(),
    noProviderConfigured: () => noEvmNetworkConfigured(),
    endpoints: [makeEvmEndpoint()],
  })
}

export const adapter = makeAdapter()
