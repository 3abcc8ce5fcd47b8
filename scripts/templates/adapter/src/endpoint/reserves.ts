import { AdapterEndpoint } from '@chainlink/external-adapter-framework/adapter'
import { canonicalInputs } from '#common/input'
import { InputParameters } from '@chainlink/external-adapter-framework/validation'
import type { Settings } from '../config'
import { ReservesTransport } from '../transport/reserves'
import { MAX_DECIMALS, checkRequest } from './reserves-request'

export const inputParameters = new InputParameters(
  {
    account: {
      type: 'string',
      required: true,
      description:
        'The account, at most 128 letters, digits, ".", "_", "~" and "-": the request reads <ADAPTER_TEMPLATE_API_URL>/<account>',
    },
    decimals: {
      type: 'number',
      default: 18,
      description: `Output decimals, 0–${MAX_DECIMALS}: result = reserves × 10^decimals, rounded down`,
    },
  },
  [{ account: 'acme', decimals: 18 }],
)

export type ReservesRequestParams = typeof inputParameters.validated

export type ReservesEndpointTypes = {
  Parameters: typeof inputParameters.definition
  Response: {
    Result: string
    Data: {
      result: string
      decimals: number
      /** The reserves exactly as the provider wrote them. */
      reserves: string
      /** When the provider says the figure was true, as it wrote it. */
      asOf: string
    }
  }
  Settings: Settings
}

/**
 * A plain endpoint: the framework's PoR endpoint classes type the result as a JS number
 * (PoRProviderEndpoint), which cannot carry an exact figure, or take an address list.
 */
export const makeReservesEndpoint = (): AdapterEndpoint<ReservesEndpointTypes> =>
  new AdapterEndpoint<ReservesEndpointTypes>({
    name: 'reserves',
    transport: new ReservesTransport(),
    inputParameters,
    ...canonicalInputs(checkRequest),
  })
