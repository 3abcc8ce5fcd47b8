import { erc20Interface } from '#chain/abi'
import { providerError } from '#common/errors'
import { decimalsReturn, readEachChain, uintReturn } from '#common/evm-calls'
import { EvmRpcClient, type EvmRpcClientOptions, type ReadMethod } from '#common/evm-rpc'
import type { SupplyChain } from '../endpoint/mintable-request'

const DECIMALS_CALL = erc20Interface.encodeFunctionData('decimals')
const TOTAL_SUPPLY_CALL = erc20Interface.encodeFunctionData('totalSupply')

/** A chain's supply, and the block it was read at. */
export interface ChainSupplyReading {
  blockNumber: number
  /** The block's hash: every read of the chain named it (EIP-1898). */
  blockHash: string
  /** The block's timestamp, in seconds since the epoch. */
  blockTimestamp: number
  readVia: ReadMethod
  /** totalSupply() at the block, at the token's decimals. */
  supply: bigint
}

/**
 * Reads every chain's totalSupply() and decimals() in parallel, each at one block (latest −
 * its confirmations, fresh head), all or nothing: a chain that fails fails the whole answer
 * (502 naming it). A chain whose decimals() is not the request's is a 502: its supply is never
 * compared at decimals it is not in.
 */
export function readSupplies(
  chains: SupplyChain[],
  decimals: number,
  options: EvmRpcClientOptions,
): Promise<ChainSupplyReading[]> {
  return readEachChain(chains, (chain) => readChain(chain, decimals, options), 'mintable budgets')
}

async function readChain(
  chain: SupplyChain,
  decimals: number,
  options: EvmRpcClientOptions,
): Promise<ChainSupplyReading> {
  const { settings, token, confirmations } = chain
  const { block, results } = await new EvmRpcClient(settings, options).pin(confirmations, [
    { to: token, data: DECIMALS_CALL },
    { to: token, data: TOTAL_SUPPLY_CALL },
  ])
  const where = `${settings.network}: token ${token} at block ${block.number}`
  const read = decimalsReturn(results[0], where)
  if (read !== decimals) {
    throw providerError(
      `${where}: decimals() is ${read}, not the token's decimals (${decimals}) the request gives`,
    )
  }
  return {
    blockNumber: Number(block.number),
    blockHash: block.hash,
    blockTimestamp: block.timestamp,
    readVia: block.method,
    supply: uintReturn(results[1], where, 'totalSupply()'),
  }
}
