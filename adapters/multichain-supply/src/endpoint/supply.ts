import { AdapterEndpoint } from '@chainlink/external-adapter-framework/adapter'
import { canonicalInputs } from '#common/input'
import { InputParameters } from '@chainlink/external-adapter-framework/validation'
import type { Settings } from '../config'
import type { SupplyFigures } from '../provider/supply'
import { SupplyTransport } from '../transport/supply'
import { MAX_RESULT_DECIMALS, canonicalRequest } from './supply-request'

const holder = {
  network: {
    type: 'string',
    required: true,
    description: 'Network name; its RPC is read from <NETWORK>_RPC_URL and <NETWORK>_RPC_CHAIN_ID',
  },
  address: {
    type: 'string',
    required: true,
    description: 'EVM address (0x…); mixed case must carry a valid EIP-55 checksum',
  },
} as const

export const inputParameters = new InputParameters(
  {
    tokens: {
      description:
        'The token contract on each chain: [{ network, address }], one per chain (the same chain id twice is a 400)',
      required: true,
      array: true,
      type: holder,
    },
    exclude: {
      description:
        "Holders whose balance is not circulating (bridge lockboxes, treasury, burn addresses), subtracted on their chain: [{ network, address }], each on one of the tokens' networks, once per network",
      required: false,
      array: true,
      type: holder,
    },
    confirmations: {
      description: 'An integer ≥ 0: each chain is read at block latest − confirmations',
      type: 'number',
      default: 0,
    },
    resultDecimals: {
      description: `Decimals of the result, 0–${MAX_RESULT_DECIMALS}; where digits are lost, the supply rounds up`,
      type: 'number',
      default: 18,
    },
  },
  [
    {
      tokens: [
        { network: 'ethereum', address: '0x0000000000085d4780B73119b644AE5ecd22b376' },
        { network: 'arbitrum', address: '0x4D15a3A2286D883AF0AA1B3f21367843FAc63E07' },
      ],
      exclude: [{ network: 'ethereum', address: '0x000000000000000000000000000000000000dEaD' }],
      confirmations: 0,
      resultDecimals: 18,
    },
  ],
)

export type SupplyRequestParams = typeof inputParameters.validated

export type SupplyEndpointTypes = {
  Parameters: typeof inputParameters.definition
  Response: {
    Result: string
    Data: SupplyFigures
  }
  Settings: Settings
}

export const makeSupplyEndpoint = (): AdapterEndpoint<SupplyEndpointTypes> =>
  new AdapterEndpoint<SupplyEndpointTypes>({
    name: 'supply',
    transport: new SupplyTransport(),
    inputParameters,
    ...canonicalInputs(canonicalRequest),
  })
