import { Adapter } from '@chainlink/external-adapter-framework/adapter'
import { makeConfig } from './config'
import { makeSupplyEndpoint } from './endpoint/supply'
import { SupplyTransport } from './transport/supply'

export const description =
  'Circulating supply of one token across EVM chains (totalSupply − excluded holders), one block per chain'

function build() {
  const config = makeConfig()
  const transport = new SupplyTransport()
  const endpoint = makeSupplyEndpoint(transport)
  const adapter = new Adapter({
    name: 'MULTICHAIN_SUPPLY',
    defaultEndpoint: 'supply',
    config,
    endpoints: [endpoint],
  })
  return { adapter, config, endpoint, transport }
}

/** A fresh adapter with its own settings and transport (a transport initializes once). */
export function makeAdapter() {
  return build().adapter
}

export const { adapter, config, endpoint, transport } = build()
