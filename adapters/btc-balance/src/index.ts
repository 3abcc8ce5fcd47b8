import { ReserveAdapter } from '#common/adapter'
import { ESPLORA_URL_SETTING, makeConfig } from './config'
import { makeBalanceEndpoint } from './endpoint/balance'

export const description =
  'Bitcoin held at custodian addresses, at a confirmation depth, from any Esplora REST API'

/** A fresh adapter (a transport initializes once, so tests build one per configuration). */
export function makeAdapter() {
  return new ReserveAdapter({
    name: 'BTC_BALANCE',
    defaultEndpoint: 'balance',
    config: makeConfig(),
    noProviderConfigured: (settings) =>
      Object.values(ESPLORA_URL_SETTING).some((name) => settings[name])
        ? undefined
        : `set ${Object.values(ESPLORA_URL_SETTING).join(', ')} (at least one)`,
    endpoints: [makeBalanceEndpoint()],
  })
}

export const adapter = makeAdapter()
