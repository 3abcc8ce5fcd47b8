import { AdapterEndpoint } from '@chainlink/external-adapter-framework/adapter'
import { InputParameters } from '@chainlink/external-adapter-framework/validation'
import { canonicalInputs } from '#common/input'
import { inputParameters as addressListInputs } from '#adapters/por-address-list/src/endpoint/address'
import type { Settings } from '../config'
import type { ReserveFigures } from '../provider/reserves'
import { ReservesTransport } from '../transport/reserves'
import { BALANCE_PROVIDERS, MAX_RESULT_DECIMALS, canonicalRequest } from './reserves-request'

/** An adapter's input definitions, each made optional, without its default (its own check fills that in). */
function optional<D extends Record<string, { required?: boolean; default?: unknown }>>(
  definition: D,
): { [K in keyof D]: Omit<D[K], 'required' | 'default'> } {
  return Object.fromEntries(
    Object.entries(definition).map(([name, { required: _required, default: _default, ...rest }]) => [
      name,
      rest,
    ]),
  ) as { [K in keyof D]: Omit<D[K], 'required' | 'default'> }
}

/** An address as Chainlink's PoR address lists give it: the shape of por-address-list's answer. */
const porAddress = {
  address: { type: 'string', required: true, description: 'The address' },
  network: { type: 'string', required: true, description: 'Its network: "bitcoin", or an EVM network name' },
  chainId: { type: 'string', required: true, description: 'Its chain: "mainnet", or an EVM chain id' },
} as const

/** One `params.addresses` entry of a token-balance source: token-balance's own, its wallets optional. */
const tokenEntry = {
  network: {
    type: 'string',
    required: true,
    description: 'Network name; its RPC is read from <NETWORK>_RPC_URL and <NETWORK>_RPC_CHAIN_ID',
  },
  chainId: {
    type: 'string',
    description: "The network's chain id in decimal, checked against <NETWORK>_RPC_CHAIN_ID",
  },
  contractAddress: {
    type: 'string',
    description: "The ERC-20 token; left out, the network's native coin",
  },
  wallets: {
    type: 'string',
    array: true,
    description:
      "The wallets whose balances are summed; left out, those of the component's address list on this network",
  },
} as const

/**
 * A balance source's inputs beside its name and provider: the request its provider adapter
 * takes, less what the composite supplies (the addresses of an address list; the decimals, as
 * every figure is read exactly). Each provider takes only its own; they are checked by that
 * adapter's own code.
 */
const balanceParams = {
  minConfirmations: {
    type: 'number',
    description:
      'btc-balance: an integer ≥ 0, balances taken at height tip − minConfirmations + 1 (default 6)',
  },
  addresses: {
    type: tokenEntry,
    array: true,
    description:
      'token-balance: [{ network, chainId?, contractAddress?, wallets? }], as token-balance takes it',
  },
  confirmations: {
    type: 'number',
    description: 'token-balance: an integer ≥ 0, each chain read at block latest − confirmations (default 0)',
  },
  client: {
    type: 'string',
    description:
      "attestation: the auditor's name for the attested account (read at <ATTESTATION_API_URL>/<client>)",
  },
  field: {
    type: 'string',
    description: 'attestation: totalReserve (the default), totalTrust or totalToken',
  },
  chain: { type: 'string', description: 'attestation: the per-chain figure of this chain label' },
  maxAgeSeconds: {
    type: 'number',
    description: 'attestation: the oldest attestation accepted, at most ATTESTATION_MAX_AGE_SECONDS',
  },
  vault: {
    type: 'string',
    description:
      'gold-vault: the vault, or several separated by commas (read at <GOLD_VAULT_API_URL>/<vault>)',
  },
  format: { type: 'string', description: 'gold-vault: auto (the default), json, csv or summary' },
} as const

export const inputParameters = new InputParameters(
  {
    addressLists: {
      description:
        'Address lists the components name: each read whole, once, whatever the number of components using it. A PoRAddressList (provider por-address-list, with por-address-list’s inputs), or a fixed list',
      array: true,
      type: {
        name: { type: 'string', required: true, description: 'The name components give it' },
        provider: {
          type: 'string',
          description:
            'por-address-list: the list a PoRAddressList contract publishes, read whole at one block',
        },
        ...optional(addressListInputs.definition),
        fixed: {
          type: porAddress,
          array: true,
          description: 'A fixed list, [{ address, network, chainId }], instead of a provider',
        },
      },
    },
    balanceSources: {
      description:
        'How balances or figures are read: each by one of our adapters, run in process, with that adapter’s own inputs (see below)',
      required: true,
      array: true,
      type: {
        name: { type: 'string', required: true, description: 'The name components give it' },
        provider: {
          type: 'string',
          required: true,
          description: `The adapter whose code reads it: ${BALANCE_PROVIDERS.join(', ')}`,
        },
        ...balanceParams,
      },
    },
    components: {
      description: 'The parts of the reserve, each converted to the one currency of the total, and summed',
      required: true,
      array: true,
      type: {
        name: { type: 'string', required: true, description: 'The name of the component, for the answer' },
        currency: {
          type: 'string',
          required: true,
          description:
            'The unit its balance source answers in (BTC, XAU, USD, …): letters, digits, ".", "_" and "-", at most 32, any case',
        },
        addressList: {
          type: 'string',
          description:
            'The address list whose addresses its balance source reads (btc-balance, token-balance)',
        },
        balanceSource: { type: 'string', required: true, description: 'The balance source it is read with' },
        conversions: {
          type: 'string',
          array: true,
          description:
            'Conversions applied in order, each "FROM/TO" as defined in conversions, or its inverse "TO/FROM"',
        },
      },
    },
    conversions: {
      description:
        'Prices, read on-chain from Chainlink feeds (AggregatorV3Interface), that convert a component to the currency of the total',
      array: true,
      type: {
        from: {
          type: 'string',
          required: true,
          description: 'The currency converted from (the feed’s base: BTC of BTC/USD)',
        },
        to: {
          type: 'string',
          required: true,
          description: 'The currency converted to (the feed’s quote: USD of BTC/USD)',
        },
        network: {
          type: 'string',
          required: true,
          description:
            "The feed's network; its RPC is read from <NETWORK>_RPC_URL and <NETWORK>_RPC_CHAIN_ID",
        },
        address: {
          type: 'string',
          required: true,
          description: "The feed's proxy (0x…; mixed case must carry a valid EIP-55 checksum)",
        },
        maxAgeSeconds: {
          type: 'number',
          description:
            'The oldest answer accepted, in seconds before the block it is read at; at most FEED_MAX_AGE_SECONDS, its default',
        },
        confirmations: {
          type: 'number',
          description: 'An integer ≥ 0: the feed is read at block latest − confirmations (default 0)',
        },
      },
    },
    resultDecimals: {
      description: `Decimals of the result, 0–${MAX_RESULT_DECIMALS}; the total is rounded down once, from the exact sum`,
      type: 'number',
      default: 18,
    },
  },
  [
    {
      addressLists: [
        {
          name: 'custodians',
          provider: 'por-address-list',
          contractAddress: '0x203E97aa6eB65A1A02d9E80083414058303f241E',
          contractAddressNetwork: 'ethereum',
          network: 'bitcoin',
          chainId: 'mainnet',
          batchSize: 100,
          confirmations: 0,
          fixed: [],
        },
      ],
      balanceSources: [
        { name: 'bitcoin', provider: 'btc-balance', minConfirmations: 6, addresses: [] },
        { name: 'auditor', provider: 'attestation', client: 'usdx', field: 'totalReserve', addresses: [] },
      ],
      components: [
        {
          name: 'BTC in custody',
          currency: 'BTC',
          addressList: 'custodians',
          balanceSource: 'bitcoin',
          conversions: ['BTC/USD'],
        },
        { name: 'Attested cash', currency: 'USD', balanceSource: 'auditor', conversions: [] },
      ],
      conversions: [
        {
          from: 'BTC',
          to: 'USD',
          network: 'ethereum',
          address: '0xF4030086522a5bEEa4988F8cA5B36dbC97BeE88c',
          maxAgeSeconds: 3_900,
          confirmations: 0,
        },
      ],
      resultDecimals: 18,
    },
  ],
)

export type ReservesRequestParams = typeof inputParameters.validated

export type ReservesEndpointTypes = {
  Parameters: typeof inputParameters.definition
  Response: {
    Result: string
    Data: ReserveFigures
  }
  Settings: Settings
}

/**
 * A plain endpoint with the PoR output shape: the framework's PoR endpoint classes type the result
 * as a JS number (PoRProviderEndpoint) or take an address list (PoRTotalBalanceEndpoint).
 */
export const makeReservesEndpoint = (): AdapterEndpoint<ReservesEndpointTypes> =>
  new AdapterEndpoint<ReservesEndpointTypes>({
    name: 'reserves',
    transport: new ReservesTransport(),
    inputParameters,
    ...canonicalInputs(canonicalRequest),
  })
