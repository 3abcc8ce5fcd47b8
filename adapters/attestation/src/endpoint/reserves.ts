import { AdapterEndpoint } from '@chainlink/external-adapter-framework/adapter'
import { canonicalInputs } from '#common/input'
import { InputParameters } from '@chainlink/external-adapter-framework/validation'
import type { Settings } from '../config'
import { ATTESTATION_FIELDS } from '../provider/attestation'
import { ReservesTransport } from '../transport/reserves'
import { MAX_DECIMALS, canonicalRequest } from './reserves-request'

export const inputParameters = new InputParameters(
  {
    client: {
      type: 'string',
      required: true,
      description:
        'The auditor\'s name for the attested account, at most 128 letters, digits, ".", "_", "~" and "-": the request reads <ATTESTATION_API_URL>/<client>',
    },
    field: {
      type: 'string',
      options: [...ATTESTATION_FIELDS],
      default: 'totalReserve',
      description:
        'The figure: totalReserve (the reserve; sent as totalTrust by TUSD-style APIs), totalTrust (same), or totalToken (the supply)',
    },
    chain: {
      type: 'string',
      description:
        'Read the per-chain figure of the token[] entry whose tokenName ends in this label in parentheses ("TUSD (ETH)" for ETH), matched whole and case-insensitively, never as a substring: its totalTokenByChain for totalToken, its totalTrustByChain otherwise',
    },
    decimals: {
      type: 'number',
      default: 18,
      description: `Output decimals, 0–${MAX_DECIMALS}: result = figure × 10^decimals, rounded down`,
    },
    maxAgeSeconds: {
      type: 'number',
      description:
        'Oldest attestation accepted, in seconds (default: ATTESTATION_MAX_AGE_SECONDS); it may only tighten the setting, above it is a 400',
    },
  },
  [{ client: 'truecoin', field: 'totalReserve', decimals: 18 }],
)

export type ReservesRequestParams = typeof inputParameters.validated

export type ReservesEndpointTypes = {
  Parameters: typeof inputParameters.definition
  Response: {
    Result: string
    Data: {
      result: string
      decimals: number
      ripcord: false
      /** Where the figure was read: `totalTrust`, `token[0].totalTokenByChain`, … */
      field: string
      /** The figure exactly as the auditor wrote it. */
      figure: string
      chain?: string
      accountName: string | null
      /** The attestation time, as the auditor wrote it. */
      attestedAt: string
      /** The address whose signature over the body was checked, when ATTESTATION_SIGNER_ADDRESS is set. */
      signedBy?: string
    }
  }
  Settings: Settings
}

/**
 * The framework's PoR endpoint classes do not fit here: PoRProviderEndpoint types the result
 * as a JS number (a float could not carry the exact figure) and PoRTotalBalanceEndpoint takes an
 * address list. This is a plain endpoint with the same output shape plus `ripcord`.
 */
export const makeReservesEndpoint = (): AdapterEndpoint<ReservesEndpointTypes> =>
  new AdapterEndpoint<ReservesEndpointTypes>({
    name: 'reserves',
    transport: new ReservesTransport(),
    inputParameters,
    ...canonicalInputs(canonicalRequest),
  })
