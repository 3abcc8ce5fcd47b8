import { porAddressListInterface } from '#chain/abi'
import { decodeStringArray } from '#common/evm-calls'
import type { PoRAddress } from '#common/por'
import { providerError } from '#common/errors'
import {
  EvmRpcClient,
  decodeUint256,
  type CallOutcome,
  type EvmRpcClientOptions,
  type ReadMethod,
} from '#common/evm-rpc'
import type { AddressListRequest } from '../endpoint/address-request'

const LENGTH_CALL = porAddressListInterface.encodeFunctionData('getPoRAddressListLength')

export interface AddressList {
  addresses: PoRAddress[]
  /** The block every batch was read at, and its timestamp (seconds since the epoch). */
  blockNumber: number
  blockTimestamp: number
  readVia: ReadMethod
  /** HTTP requests sent to the RPC (failed attempts included). */
  rpcRequests: number
}

function batchCall(start: number, end: number) {
  return porAddressListInterface.encodeFunctionData('getPoRAddressList', [start, end])
}

/**
 * Reads the whole list at one block (latest − confirmations), so that an edit landing while the
 * batches are read cannot tear it. The length and the first batch go in the first read; the
 * remaining batches, all of them, in one more round trip.
 */
export async function readAddressList(
  request: Omit<AddressListRequest, 'inputs'>,
  options: EvmRpcClientOptions & { maxAddresses: number },
): Promise<AddressList> {
  const { settings, contractAddress: to, batchSize } = request
  const client = new EvmRpcClient(settings, options)
  const { block, results } = await client.pin(request.confirmations, [
    { to, data: LENGTH_CALL },
    { to, data: batchCall(0, batchSize - 1) },
  ])
  const where = `${settings.network}: address list ${to} at block ${block.number}`
  const failed = (outcome: CallOutcome, call: string): string | undefined => {
    if (outcome.success && outcome.returnData !== '0x') return undefined
    if (!outcome.success) {
      return `${where}: ${call} reverted${outcome.revertMessage ? ` (${outcome.revertMessage})` : ''}`
    }
    return `${where}: ${call} returned nothing: no PoRAddressList contract at this address?`
  }
  const lengthFailure = failed(results[0], 'getPoRAddressListLength()')
  if (lengthFailure) throw providerError(lengthFailure)
  const length = decodeUint256(results[0].returnData)
  if (length === undefined) {
    throw providerError(`${where}: getPoRAddressListLength() returned ${results[0].returnData.slice(0, 80)}`)
  }
  if (length > BigInt(options.maxAddresses)) {
    throw providerError(
      `${where}: the list holds ${length} addresses, more than MAX_ADDRESSES (${options.maxAddresses})`,
    )
  }
  const total = Number(length)
  const ranges: [number, number][] = []
  for (let start = 0; start < total; start += batchSize) {
    ranges.push([start, Math.min(start + batchSize, total) - 1])
  }
  const rest = await client.readAt(
    block,
    ranges.slice(1).map(([start, end]) => ({ to, data: batchCall(start, end) })),
  )
  const batches = [results[1], ...rest]
  const addresses: string[] = []
  ranges.forEach(([start, end], i) => {
    const call = `getPoRAddressList(${start}, ${end})`
    const failure = failed(batches[i], call)
    if (failure) throw providerError(failure)
    const batch = decodeStringArray(batches[i].returnData)
    if (!batch) throw providerError(`${where}: ${call} did not return a string[]`)
    if (batch.length !== end - start + 1) {
      throw providerError(`${where}: ${call} returned ${batch.length} addresses, expected ${end - start + 1}`)
    }
    addresses.push(...batch)
  })
  return {
    addresses: addresses.map((address) => ({ address, network: request.network, chainId: request.chainId })),
    blockNumber: Number(block.number),
    blockTimestamp: block.timestamp,
    readVia: block.method,
    rpcRequests: client.requestCount,
  }
}
