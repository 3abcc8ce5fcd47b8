/**
 * The mintable budgets of a checked request: the reserve read by the proof-of-reserves
 * composite's {@link ReserveReader}, every supply chain read at its own pinned block, in
 * parallel, and Secure Mint's arithmetic (rules/budget.ts). Exported for use in process (the
 * over-mint rehearsal computes the same answer as the endpoint): {@link computeBudgets}.
 */
import type { ReserveFigures } from '#adapters/proof-of-reserves/src/provider/reserves'
import { ReserveReader } from '#adapters/proof-of-reserves/src/provider/reserves'
import type { ReadMethod } from '#common/evm-rpc'
import type { Settings } from '../config'
import type { MintableRequestParams } from '../endpoint/mintable'
import { checkRequest, type MintableRequest } from '../endpoint/mintable-request'
import { budgets } from '../rules/budget'
import { readSupplies } from './supply'

/** One supply chain in the answer; amounts are integers at the token's decimals. */
export interface ChainBudget {
  network: string
  chainId: string
  /** The token's address on this chain. */
  address: string
  confirmations: number
  /** The block this chain's figures were read at. */
  blockNumber: number
  blockHash: string
  blockTimestamp: number
  readVia: ReadMethod
  /** totalSupply() at the block. */
  supply: string
  preMint: string
  share: number
  /** What may still be minted on this chain: its share of the headroom, 0 on an over-mint. */
  mintable: string
}

/** The answer. Every amount is an integer string at `decimals`, the token's. */
export interface BudgetFigures {
  /** The total mintable over every chain (the figure a median job reports). */
  result: string
  decimals: number
  token: string
  currency: string
  /** Pre-mint + supply > reserve: every budget is 0. */
  overmint: boolean
  /** The reserve, rounded down to the token's decimals. */
  reserve: string
  supply: string
  preMint: string
  /** Σ mintable; at most reserve − supply − pre-mint. */
  mintable: string
  chains: ChainBudget[]
  /** Chainlink's shape, keyed by chain id: each chain's budget and the block it holds at. */
  mintables: Record<string, { mintable: string; block: number }>
  /** Chainlink's shape: the block each chain was read at. */
  latestBlocks: Record<string, number>
  /** Chainlink's shape: the reserve, and when its oldest dated part was true (ms). */
  reserveInfo: { reserveAmount: string; timestamp: number | null }
  /** The composite's answer: the reserve's components, their blocks, heights and dates. */
  reserves: ReserveFigures
}

/** A budgets answer, and when its oldest figure was true (ms). */
export interface BudgetReading {
  figures: BudgetFigures
  oldestMs: number
}

/**
 * Reads the reserve and every supply chain in parallel, all or nothing (any part that fails
 * fails the answer: never a partial one), and works out the budgets.
 */
export async function readBudgets(
  request: MintableRequest,
  settings: Settings,
  reader: ReserveReader,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BudgetReading> {
  const rpc = { timeoutMs: settings.RPC_TIMEOUT_MS, maxBodyBytes: settings.RPC_MAX_BODY_BYTES }
  const [reserve, supplies] = await Promise.all([
    reader.read(request.reserve, settings, env),
    readSupplies(request.chains, request.decimals, rpc),
  ])
  const reserveUnits = BigInt(reserve.figures.result)
  const outcome = budgets(
    reserveUnits,
    request.chains.map((chain, i) => ({
      supply: supplies[i].supply,
      preMint: chain.preMint,
      share: chain.share,
    })),
  )
  const chains = request.chains.map((chain, i): ChainBudget => ({
    network: chain.settings.network,
    chainId: chain.settings.chainId.toString(),
    address: chain.token,
    confirmations: chain.confirmations,
    blockNumber: supplies[i].blockNumber,
    blockHash: supplies[i].blockHash,
    blockTimestamp: supplies[i].blockTimestamp,
    readVia: supplies[i].readVia,
    supply: supplies[i].supply.toString(),
    preMint: chain.preMint.toString(),
    share: chain.share,
    mintable: outcome.mintables[i].toString(),
  }))
  const total = outcome.mintables.reduce((sum, part) => sum + part, 0n).toString()
  const times = [
    ...supplies.map((s) => s.blockTimestamp * 1000),
    ...(reserve.oldestMs === undefined ? [] : [reserve.oldestMs]),
  ]
  const oldestMs = Math.min(...times)
  return {
    figures: {
      result: total,
      decimals: request.decimals,
      token: request.token,
      currency: request.currency,
      overmint: outcome.overmint,
      reserve: reserveUnits.toString(),
      supply: outcome.supply.toString(),
      preMint: outcome.preMint.toString(),
      mintable: total,
      chains,
      mintables: Object.fromEntries(
        chains.map((chain) => [chain.chainId, { mintable: chain.mintable, block: chain.blockNumber }]),
      ),
      latestBlocks: Object.fromEntries(chains.map((chain) => [chain.chainId, chain.blockNumber])),
      reserveInfo: { reserveAmount: reserveUnits.toString(), timestamp: reserve.oldestMs ?? null },
      reserves: reserve.figures,
    },
    oldestMs,
  }
}

/**
 * The budgets of a request as the endpoint takes it (`data` of a bridge request), computed in
 * process: checked (a 400 naming the field), then read. Pass one `reader` across calls to share
 * the providers' clients and caps.
 */
export function computeBudgets(
  params: MintableRequestParams,
  settings: Settings,
  reader: ReserveReader = new ReserveReader(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<BudgetReading> {
  return readBudgets(checkRequest(params, settings, env), settings, reader, env)
}
