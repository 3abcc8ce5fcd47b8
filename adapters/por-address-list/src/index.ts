import { PoRAdapter } from '#common/por'
import { makeConfig } from './config'
import { makeAddressEndpoint } from './endpoint/address'
import { AddressListTransport } from './transport/address'

export const description =
  'Custodian addresses published in an on-chain PoRAddressList contract, read whole at one block'

function build() {
  const config = makeConfig()
  const transport = new AddressListTransport()
  const endpoint = makeAddressEndpoint(transport)
  const adapter = new PoRAdapter({
    name: 'POR_ADDRESS_LIST',
    defaultEndpoint: 'address',
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
