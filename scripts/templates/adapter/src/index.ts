import { ReserveAdapter } from '#common/adapter'
import { makeConfig } from './config'
import { makeReservesEndpoint } from './endpoint/reserves'

export const description = "An account's reserves from a JSON reserves API, exact, dated and rounded down"

/** A fresh adapter (a transport initializes once, so tests build one per configuration). */
export function makeAdapter() {
  return new ReserveAdapter({
    name: 'ADAPTER_TEMPLATE',
    defaultEndpoint: 'reserves',
    config: makeConfig(),
    endpoints: [makeReservesEndpoint()],
  })
}

export const adapter = makeAdapter()
