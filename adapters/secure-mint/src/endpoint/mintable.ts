import { AdapterEndpoint } from '@chainlink/external-adapter-framework/adapter'
import { InputParameters } from '@chainlink/external-adapter-framework/validation'
import { canonicalInputs } from '#common/input'
import { MAX_TOKEN_DECIMALS } from '#common/evm-calls'
import { inputParameters as reservesInputs } from '#adapters/proof-of-reserves/src/endpoint/reserves'
import type { Settings } from '../config'
import type { BudgetFigures } from '../provider/budgets'
import { MintableTransport } from '../transport/mintable'
import { canonicalRequest } from './mintable-request'

/**
 * The reserve's inputs: the proof-of-reserves composite's request, as it takes it, less its
 * `resultDecimals` (the reserve is compared at the token's decimals).
 */
const { resultDecimals: _compositeDecimals, ...reserveInputs } = reservesInputs.definition

export const inputParameters = new InputParameters(
  {
    token: {
      description: "The token's name, echoed in the answer (Chainlink's `token`)",
      type: 'string',
      required: true,
    },
    decimals: {
      description: `The token's decimals, 0–${MAX_TOKEN_DECIMALS}: every amount in the answer is an integer at these decimals, and each chain's decimals() must be this`,
      type: 'number',
      required: true,
    },
    currency: {
      description:
        "What one token is backed by (USD, BTC, XAU, …): the reserve's total must be in this currency (its components' conversions lead there)",
      type: 'string',
      required: true,
    },
    supplyChains: {
      description:
        "Every chain the token is issued on, once each (Chainlink's `supplyChains` and `supplyChainBlocks`): [{ network, address, confirmations?, preMint?, share?, ccipPool?, ccipPoolFromBlock? }]",
      required: true,
      array: true,
      type: {
        network: {
          type: 'string',
          required: true,
          description: 'Network name; its RPC is read from <NETWORK>_RPC_URL and <NETWORK>_RPC_CHAIN_ID',
        },
        address: {
          type: 'string',
          required: true,
          description: 'The token on this chain (0x…; mixed case must carry a valid EIP-55 checksum)',
        },
        confirmations: {
          type: 'number',
          description: 'An integer ≥ 0: this chain is read at block latest − confirmations (default 0)',
        },
        preMint: {
          type: 'string',
          description:
            'Pre-mint on this chain: an amount committed to be minted there and not yet in its totalSupply, an integer at the token\'s decimals (default "0"); counted against the reserve as if minted',
        },
        share: {
          type: 'number',
          description:
            "This chain's weight in the split of what may still be minted, an integer ≥ 0 (default 1; 0: no budget here, e.g. a chain that only receives by bridge)",
        },
        ccipPool: {
          type: 'string',
          description:
            "The token's CCIP pool on this chain, a BurnMintTokenPool (or BurnFromMint / BurnWithFromMint) 2.0: its burns (LockedOrBurned) are added to the supply and its mints (ReleasedOrMinted) taken off, so a transfer in flight still counts (Chainlink's token_ccip_burn and token_ccip_mint). Give it on every chain where the token burns and mints through CCIP; with ccipPoolFromBlock",
        },
        ccipPoolFromBlock: {
          type: 'number',
          description:
            'The block the pool was deployed in, an integer ≥ 0: its events are read from there to the block this chain is read at',
        },
      },
    },
    ...reserveInputs,
  },
  [
    {
      token: 'xBTC',
      decimals: 8,
      currency: 'BTC',
      supplyChains: [
        {
          network: 'ethereum',
          address: '0x3333333333333333333333333333333333333333',
          confirmations: 2,
          preMint: '1',
          share: 3,
        },
        {
          network: 'arbitrum',
          address: '0x4444444444444444444444444444444444444444',
          confirmations: 0,
          preMint: '0',
          share: 1,
        },
      ],
      addressLists: [
        {
          name: 'custody',
          fixed: [
            { address: '0x1111111111111111111111111111111111111111', network: 'ethereum', chainId: '1' },
            { address: '0x2222222222222222222222222222222222222222', network: 'ethereum', chainId: '1' },
          ],
        },
      ],
      balanceSources: [
        {
          name: 'wbtc',
          provider: 'token-balance',
          addresses: [
            {
              network: 'ethereum',
              contractAddress: '0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599',
              wallets: [],
            },
          ],
        },
      ],
      components: [
        {
          name: 'WBTC in custody',
          currency: 'WBTC',
          addressList: 'custody',
          balanceSource: 'wbtc',
          conversions: ['WBTC/BTC'],
        },
      ],
      conversions: [
        {
          from: 'WBTC',
          to: 'BTC',
          network: 'ethereum',
          address: '0xfdFD9C85aD200c506Cf9e21F1FD8dd01932FBB23',
          maxAgeSeconds: 86_400,
          confirmations: 0,
        },
      ],
    },
  ],
)

export type MintableRequestParams = typeof inputParameters.validated

export type MintableEndpointTypes = {
  Parameters: typeof inputParameters.definition
  Response: {
    Result: string
    Data: BudgetFigures
  }
  Settings: Settings
}

/** Chainlink's secure-mint endpoint, `mintable`: per-chain budgets of what may still be minted. */
export const makeMintableEndpoint = (): AdapterEndpoint<MintableEndpointTypes> =>
  new AdapterEndpoint<MintableEndpointTypes>({
    name: 'mintable',
    transport: new MintableTransport(),
    inputParameters,
    ...canonicalInputs(canonicalRequest),
  })
