import { PoRTotalBalanceEndpoint, porBalanceEndpointInputParametersDefinition } from '#common/por'
import { canonicalInputs } from '#common/input'
import { InputParameters } from '@chainlink/external-adapter-framework/validation'
import type { Settings } from '../config'
import { BITCOIN_CHAIN_IDS, type BitcoinChainId } from '../rules/address'
import { BalanceTransport } from '../transport/balance'
import { canonicalRequest } from './balance-request'

export const inputParameters = new InputParameters(
  {
    addresses: {
      ...porBalanceEndpointInputParametersDefinition.addresses,
      type: {
        ...porBalanceEndpointInputParametersDefinition.addresses.type,
        network: { type: 'string', required: true, description: 'always "bitcoin" (any case)' },
        chainId: {
          type: 'string',
          required: true,
          description: `${BITCOIN_CHAIN_IDS.join(' | ')} (any case)`,
        },
      },
    },
    minConfirmations: {
      type: 'number',
      default: 6,
      description:
        'An integer ≥ 0: balances are taken at height tip − minConfirmations + 1; 0 means the current balance, mempool included',
    },
  },
  [
    {
      addresses: [
        { address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh', network: 'bitcoin', chainId: 'mainnet' },
      ],
      minConfirmations: 6,
    },
  ],
)

export type BalanceRequestParams = typeof inputParameters.validated

export type BalanceEndpointTypes = {
  Parameters: typeof inputParameters.definition
  Response: {
    Result: string
    Data: {
      result: string
      decimals: 8
      /** The height the balances are taken at. */
      height: number
      tipHeight: number
      /** The tip block's hash, and its timestamp in seconds since the epoch (its header's time). */
      tipHash: string
      tipTimestamp: number
      minConfirmations: number
      chainId: BitcoinChainId
      addressCount: number
      /** Addresses listed more than once; each is counted once. */
      duplicates: string[]
      balances: { address: string; balance: string }[]
    }
  }
  Settings: Settings
}

export const makeBalanceEndpoint = (): PoRTotalBalanceEndpoint<BalanceEndpointTypes> =>
  new PoRTotalBalanceEndpoint<BalanceEndpointTypes>({
    name: 'balance',
    transport: new BalanceTransport(),
    inputParameters,
    ...canonicalInputs(canonicalRequest),
  })
