import { erc20Interface } from '#chain/abi'
import { sumAtDecimals } from '#common/decimal'
import { providerError } from '#common/errors'
import { chainBlock, decimalsReturn, readEachChain, uintReturn, type ChainBlock } from '#common/evm-calls'
import {
  EvmRpcClient,
  addressCallData,
  nativeBalanceCall,
  type EvmCall,
  type EvmRpcClientOptions,
} from '#common/evm-rpc'
import type { BalanceRequest, TokenHoldings } from '../endpoint/evm-request'

/** The decimals of every EVM chain's native coin (wei). */
export const NATIVE_DECIMALS = 18

const DECIMALS_CALL = erc20Interface.encodeFunctionData('decimals')
const TOTAL_SUPPLY_CALL = erc20Interface.encodeFunctionData('totalSupply')
const BALANCE_OF = erc20Interface.getFunction('balanceOf')!.selector

/** One wallet's balance, as Chainlink's token-balance lists it; `balance` in the token's own units. */
export interface WalletBalance {
  network: string
  /** The token; null for the native coin. */
  contractAddress: string | null
  walletAddress: string
  balance: string
  decimals: number
}

export interface BalanceFigures {
  /** The balances of every wallet, summed exactly, at `decimals`, rounded down. */
  result: string
  decimals: number
  confirmations: number
  chains: ChainBlock[]
  wallets: WalletBalance[]
}

/**
 * Reads every chain in parallel, each at one block in one round trip (with Multicall3 and
 * `confirmations` 0), and sums the balances exactly. Any chain that fails fails the whole
 * figure (502 naming each failed network): never a partial sum.
 */
export async function readBalances(
  request: BalanceRequest,
  options: EvmRpcClientOptions,
): Promise<BalanceFigures> {
  const chains = await readEachChain(
    request.chains,
    (chain) => readChain(chain, request.confirmations, options),
    'balances',
  )
  const wallets = chains.flatMap((chain) => chain.wallets)
  // A reserve: rounded down once, from the exact sum.
  const total = sumAtDecimals(
    wallets.map((w) => ({ units: BigInt(w.balance), decimals: w.decimals })),
    request.resultDecimals,
    'down',
  )
  return {
    result: total.toString(),
    decimals: request.resultDecimals,
    confirmations: request.confirmations,
    chains: chains.map((chain) => chain.block),
    wallets,
  }
}

interface ChainRead {
  block: ChainBlock
  wallets: WalletBalance[]
}

/** The calls of one token's holdings: `decimals()` and `totalSupply()` first for an ERC-20. */
function holdingCalls({ token, wallets }: TokenHoldings): EvmCall[] {
  if (token === undefined) return wallets.map(nativeBalanceCall)
  return [
    { to: token, data: DECIMALS_CALL },
    { to: token, data: TOTAL_SUPPLY_CALL },
    ...wallets.map((wallet) => ({
      to: token,
      data: addressCallData(BALANCE_OF, wallet),
    })),
  ]
}

async function readChain(
  chain: BalanceRequest['chains'][number],
  confirmations: number,
  options: EvmRpcClientOptions,
): Promise<ChainRead> {
  const { settings, holdings } = chain
  const client = new EvmRpcClient(settings, options)
  const { block, results } = await client.pin(confirmations, holdings.flatMap(holdingCalls))
  const wallets: WalletBalance[] = []
  let next = 0
  for (const { token, wallets: holders } of holdings) {
    const where = `${settings.network}: ${token === undefined ? 'native coin' : `token ${token}`} at block ${block.number}`
    let decimals = NATIVE_DECIMALS
    let supply: bigint | undefined
    if (token !== undefined) {
      decimals = decimalsReturn(results[next++], where)
      supply = uintReturn(results[next++], where, 'totalSupply()')
    }
    const balances = holders.map((wallet) => {
      const outcome = results[next++]
      return {
        wallet,
        balance: uintReturn(
          outcome,
          where,
          token === undefined ? `balance of ${wallet}` : `balanceOf(${wallet})`,
        ),
      }
    })
    // Distinct wallets cannot hold more of a token than there is.
    const held = balances.reduce((sum, b) => sum + b.balance, 0n)
    if (supply !== undefined && held > supply) {
      throw providerError(
        `${where}: the wallets' balances add up to ${held}, more than totalSupply() (${supply}): the token contradicts itself`,
      )
    }
    for (const { wallet, balance } of balances) {
      wallets.push({
        network: settings.network,
        contractAddress: token ?? null,
        walletAddress: wallet,
        balance: balance.toString(),
        decimals,
      })
    }
  }
  return { block: chainBlock(settings, block), wallets }
}
