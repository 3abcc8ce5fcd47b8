import { inputError } from '#common/errors'
import { checkEvmAddress } from '#common/evm-address'
import { checkName } from '#common/input'
import { resolveEvmNetwork, type EvmNetworkSettings } from '#common/evm-rpc'
import type { Settings } from '../config'
import type { AddressRequestParams } from './address'

/** A checked request. */
export interface AddressListRequest {
  settings: EvmNetworkSettings
  contractAddress: string
  network: string
  chainId: string
  batchSize: number
  confirmations: number
  /**
   * The request in canonical form: names in lower case (`network` and `chainId` are stamped on
   * every address as such), the contract address checksummed (EIP-55).
   */
  inputs: AddressRequestParams
}

export interface AddressListLimits {
  maxAddresses: number
  maxBatchSize: number
}

/**
 * Checks a request against the settings without reading the chain: every failure is a 400
 * naming the field or setting at fault.
 */
export function checkRequest(
  params: AddressRequestParams,
  limits: AddressListLimits,
  env: NodeJS.ProcessEnv = process.env,
): AddressListRequest {
  const { contractAddress, network, chainId, batchSize, confirmations } = params
  const settings = resolveEvmNetwork(params.contractAddressNetwork, 'contractAddressNetwork', env)
  const checksummed = checkEvmAddress(contractAddress, 'contractAddress')
  // Stamped on every address of the list: a name, never a blob repeated 10,000 times.
  const stampedNetwork = checkName(network, 'network').toLowerCase()
  const stampedChainId = checkName(chainId, 'chainId').toLowerCase()
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > limits.maxBatchSize) {
    throw inputError(
      `batchSize: must be an integer from 1 to ${limits.maxBatchSize} (MAX_BATCH_SIZE), got ${batchSize}`,
    )
  }
  if (!Number.isSafeInteger(confirmations) || confirmations < 0) {
    throw inputError(`confirmations: must be a non-negative integer, got ${confirmations}`)
  }
  return {
    settings,
    contractAddress: checksummed,
    network: stampedNetwork,
    chainId: stampedChainId,
    batchSize,
    confirmations,
    inputs: {
      contractAddress: checksummed,
      contractAddressNetwork: settings.network,
      network: stampedNetwork,
      chainId: stampedChainId,
      batchSize,
      confirmations,
    },
  }
}

/** The request in canonical form ({@link AddressListRequest.inputs}); a 400 when it is refused. */
export const canonicalRequest = (params: AddressRequestParams, settings: Settings): AddressRequestParams =>
  checkRequest(params, { maxAddresses: settings.MAX_ADDRESSES, maxBatchSize: settings.MAX_BATCH_SIZE }).inputs
