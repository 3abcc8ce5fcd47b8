import { canonicalInputs } from '#common/input'
import { InputParameters } from '@chainlink/external-adapter-framework/validation'
import { PoRAddressEndpoint, type PoRAddress } from '#common/por'
import type { Settings } from '../config'
import { AddressListTransport } from '../transport/address'
import { canonicalRequest } from './address-request'

export const inputParameters = new InputParameters(
  {
    contractAddress: {
      description:
        'The PoRAddressList contract: an EVM address; mixed case must carry a valid EIP-55 checksum',
      type: 'string',
      required: true,
    },
    contractAddressNetwork: {
      description:
        'The network the contract is on: its RPC is read from <NETWORK>_RPC_URL and <NETWORK>_RPC_CHAIN_ID',
      type: 'string',
      required: true,
    },
    network: {
      description:
        'Stamped on every address: the network the addresses are on (e.g. "bitcoin"); a name of at most 64 letters, digits, "-" and "_"',
      type: 'string',
      required: true,
    },
    chainId: {
      description:
        'Stamped on every address: the chain they are on (e.g. "mainnet"); a name of at most 64 letters, digits, "-" and "_"',
      type: 'string',
      required: true,
    },
    batchSize: {
      description: 'Addresses read per getPoRAddressList call, from 1 to MAX_BATCH_SIZE',
      type: 'number',
      default: 100,
    },
    confirmations: {
      description: 'An integer ≥ 0: the list is read at block latest − confirmations',
      type: 'number',
      default: 0,
    },
  },
  [
    {
      contractAddress: '0x203E97aa6eB65A1A02d9E80083414058303f241E',
      contractAddressNetwork: 'ethereum',
      network: 'bitcoin',
      chainId: 'mainnet',
      batchSize: 100,
      confirmations: 0,
    },
  ],
)

export type AddressRequestParams = typeof inputParameters.validated

export type AddressEndpointTypes = {
  Parameters: typeof inputParameters.definition
  Response: {
    Result: null
    Data: {
      result: PoRAddress[]
      /** The block the whole list was read at, and its timestamp (seconds since the epoch). */
      blockNumber: number
      blockTimestamp: number
    }
  }
  Settings: Settings
}

export const makeAddressEndpoint = (): PoRAddressEndpoint<AddressEndpointTypes> =>
  new PoRAddressEndpoint<AddressEndpointTypes>({
    name: 'address',
    transport: new AddressListTransport(),
    inputParameters,
    ...canonicalInputs(canonicalRequest),
  })
