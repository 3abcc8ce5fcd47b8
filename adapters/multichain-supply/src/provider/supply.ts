import { erc20Interface } from '#chain/abi'
import { providerError } from '#common/errors'
import { EvmRpcClient, type EvmRpcClientOptions, type ReadMethod } from '#common/evm-rpc'
import { decimalsReturn, readEachChain, uintReturn } from '#common/evm-calls'
import type { SupplyRequest } from '../endpoint/supply-request'
import { totalCirculating } from '../rules/total'

const DECIMALS_CALL = erc20Interface.encodeFunctionData('decimals')
const TOTAL_SUPPLY_CALL = erc20Interface.encodeFunctionData('totalSupply')

/** What was read on one chain; amounts are integer strings in the token's own units. */
export interface ChainSupply {
  network: string
  chainId: string
  token: string
  /** The block every read of this chain was made at, and its timestamp (seconds since the epoch). */
  blockNumber: number
  blockTimestamp: number
  /** How the reads were sent: in one Multicall3 call, or as a JSON-RPC batch. */
  readVia: ReadMethod
  decimals: number
  totalSupply: string
  /** Sum of the excluded holders' balances. */
  excluded: string
  /** totalSupply − excluded. */
  circulating: string
  excludedBalances: { address: string; balance: string }[]
}

export interface SupplyFigures {
  /** Circulating supply over every chain, integer at `decimals`, rounded up. */
  result: string
  decimals: number
  confirmations: number
  chains: ChainSupply[]
}

/** How each chain's RPC is read. */
export type ReadSupplyOptions = EvmRpcClientOptions

/**
 * Reads every chain in parallel, each in one block, and sums the circulating supply. Any chain
 * that fails fails the whole figure (502 naming each failed network): never a partial sum.
 */
export async function readSupply(request: SupplyRequest, options: ReadSupplyOptions): Promise<SupplyFigures> {
  const chains = await readEachChain(
    request.chains,
    (chain) => readChain(chain, request.confirmations, options),
    'supply',
  )
  const total = totalCirculating(
    chains.map((chain) => ({ units: BigInt(chain.circulating), decimals: chain.decimals })),
    request.resultDecimals,
  )
  return {
    result: total.toString(),
    decimals: request.resultDecimals,
    confirmations: request.confirmations,
    chains,
  }
}

async function readChain(
  chain: SupplyRequest['chains'][number],
  confirmations: number,
  options: ReadSupplyOptions,
): Promise<ChainSupply> {
  const { settings, token, exclude } = chain
  const client = new EvmRpcClient(settings, options)
  const { block, results } = await client.pin(confirmations, [
    { to: token, data: DECIMALS_CALL },
    { to: token, data: TOTAL_SUPPLY_CALL },
    ...exclude.map((holder) => ({
      to: token,
      data: erc20Interface.encodeFunctionData('balanceOf', [holder]),
    })),
  ])
  const where = `${settings.network}: token ${token} at block ${block.number}`
  const decimals = decimalsReturn(results[0], where)
  const totalSupply = uintReturn(results[1], where, 'totalSupply()')
  const balances = exclude.map((holder, i) => ({
    address: holder,
    balance: uintReturn(results[2 + i], where, `balanceOf(${holder})`),
  }))
  const excluded = balances.reduce((sum, b) => sum + b.balance, 0n)
  if (excluded > totalSupply) {
    throw providerError(
      `${where}: excluded balances (${excluded}) exceed totalSupply() (${totalSupply}); ` +
        'a supply is never reported negative',
    )
  }
  return {
    network: settings.network,
    chainId: settings.chainId.toString(),
    token,
    blockNumber: Number(block.number),
    blockTimestamp: block.timestamp,
    readVia: block.method,
    decimals,
    totalSupply: totalSupply.toString(),
    excluded: excluded.toString(),
    circulating: (totalSupply - excluded).toString(),
    excludedBalances: balances.map((b) => ({ address: b.address, balance: b.balance.toString() })),
  }
}
