import { AdapterEndpoint } from '@chainlink/external-adapter-framework/adapter'
import { canonicalInputs } from '#common/input'
import { InputParameters } from '@chainlink/external-adapter-framework/validation'
import type { Settings } from '../config'
import type { BalanceFigures } from '../provider/balances'
import { EvmBalanceTransport } from '../transport/evm'
import { MAX_RESULT_DECIMALS, canonicalRequest } from './evm-request'

/** One `addresses` entry: a token (or the native coin) on one network, and the wallets holding it. */
export const tokenEntry = {
  network: {
    type: 'string',
    required: true,
    description: 'Network name; its RPC is read from <NETWORK>_RPC_URL and <NETWORK>_RPC_CHAIN_ID',
  },
  chainId: {
    type: 'string',
    description:
      "The network's chain id in decimal, when given: checked against <NETWORK>_RPC_CHAIN_ID (another is a 400)",
  },
  contractAddress: {
    type: 'string',
    description:
      "The ERC-20 token (0x…; mixed case must carry a valid EIP-55 checksum); left out, the network's native coin (18 decimals)",
  },
  wallets: {
    type: 'string',
    array: true,
    required: true,
    description: 'The wallets whose balances are summed (0x… each; each once per token and chain)',
  },
} as const

export const inputParameters = new InputParameters(
  {
    addresses: {
      description:
        'What to read: [{ network, chainId?, contractAddress?, wallets }], Chainlink token-balance’s shape; the native coin where contractAddress is left out',
      required: true,
      array: true,
      type: tokenEntry,
    },
    confirmations: {
      description: 'An integer ≥ 0: each chain is read at block latest − confirmations',
      type: 'number',
      default: 0,
    },
    resultDecimals: {
      description: `Decimals of the result, 0–${MAX_RESULT_DECIMALS}; where digits are lost, the reserve rounds down`,
      type: 'number',
      default: 18,
    },
  },
  [
    {
      addresses: [
        {
          network: 'ethereum',
          chainId: '1',
          contractAddress: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
          wallets: [
            '0xBc10f2E862ED4502144c7d632a3459F49DFCDB5e',
            '0xF977814e90dA44bFA03b6295A0616a897441aceC',
          ],
        },
        { network: 'arbitrum', wallets: ['0xF977814e90dA44bFA03b6295A0616a897441aceC'] },
      ],
      confirmations: 0,
      resultDecimals: 18,
    },
  ],
)

export type EvmRequestParams = typeof inputParameters.validated

export type EvmEndpointTypes = {
  Parameters: typeof inputParameters.definition
  Response: {
    Result: string
    Data: BalanceFigures
  }
  Settings: Settings
}

export const makeEvmEndpoint = (): AdapterEndpoint<EvmEndpointTypes> =>
  new AdapterEndpoint<EvmEndpointTypes>({
    name: 'evm',
    aliases: ['erc20'],
    transport: new EvmBalanceTransport(),
    inputParameters,
    ...canonicalInputs(canonicalRequest),
  })
