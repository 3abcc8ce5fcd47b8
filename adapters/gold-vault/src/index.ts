import { ReserveAdapter } from '#common/adapter'
import { makeConfig } from './config'
import { makeInventoryEndpoint } from './endpoint/inventory'

export const description =
  "Fine gold in a custodian's vault, in troy ounces, from its bar list (JSON or LBMA CSV) or a grams summary"

/** A fresh adapter (a transport initializes once, so tests build one per configuration). */
export function makeAdapter() {
  return new ReserveAdapter({
    name: 'GOLD_VAULT',
    defaultEndpoint: 'inventory',
    config: makeConfig(),
    endpoints: [makeInventoryEndpoint()],
  })
}

export const adapter = makeAdapter()
