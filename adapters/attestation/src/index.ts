import { ReserveAdapter } from '#common/adapter'
import { makeConfig } from './config'
import { makeReservesEndpoint } from './endpoint/reserves'

export const description =
  "Fiat reserves from an auditor's real-time attestation API (TUSD / The Network Firm style), ripcord and signature checked"

/** A fresh adapter (a transport initializes once, so tests build one per configuration). */
export function makeAdapter() {
  return new ReserveAdapter({
    name: 'ATTESTATION',
    defaultEndpoint: 'reserves',
    config: makeConfig(),
    endpoints: [makeReservesEndpoint()],
  })
}

export const adapter = makeAdapter()
