/**
 * The mintable budgets of a checked request: the reserve read by the proof-of-reserves
 * composite's {@link ReserveReader}, every supply chain read at its own pinned block, in
 * parallel, and Secure Mint's arithmetic (rules/budget.ts). Exported for use in process, the
 * same answer as the endpoint's without a server: {@link computeBudgets}.
 */
import type { ReserveFigures } from '#adapters/proof-of-reserves/src/provider/reserves'
import { ReserveReader } from '#adapters/proof-of-reserves/src/provider/reserves'
import type { ReadMethod } from '#common/evm-rpc'
import type { Settings } from '../config'
import type { MintableRequestParams } from '../endpoint/mintable'
import { checkRequest, type MintableRequest } from '../endpoint/mintable-request'
import { providerError } from '#common/errors'
import { budgets, countedSupply, type ChainFigures } from '../rules/budget'
import { readSupplies, type PoolReading } from './supply'

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
  /** totalSupply() at the block (Chainlink's `token_supply`). */
  supply: string
  /**
   * The token's CCIP pool on this chain, when the request gives one: its typeAndVersion() at the block, and
   * its burns and mints from its deployment block to the block (Chainlink's `token_ccip_burn`,
   * `token_ccip_mint`); `net` is burned − minted, what this chain sent by bridge less what it received.
   */
  ccip: {
    pool: string
    fromBlock: number
    typeAndVersion: string
    burned: string
    minted: string
    net: string
    events: number
  } | null
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
  /** The supply counted against the reserve: totalSupply + ccipBurned − ccipMinted. */
  supply: string
  /** Σ totalSupply() over the chains. */
  totalSupply: string
  /** Σ CCIP burns and mints over the chains' pools, and what is in flight: burned and not yet minted. */
  ccipBurned: string
  ccipMinted: string
  ccipInFlight: string
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
  const figures = request.chains.map((chain, i): ChainFigures => ({
    supply: supplies[i].supply,
    ccipBurned: supplies[i].pool?.burned ?? 0n,
    ccipMinted: supplies[i].pool?.minted ?? 0n,
    preMint: chain.preMint,
    share: chain.share,
  }))
  try {
    countedSupply(figures)
  } catch (error) {
    // Mints counted whose burns are not: a chain that burns through CCIP has no ccipPool in the request.
    throw providerError(
      `mintable budgets not reported: ${(error as Error).message}; give ccipPool on every chain where the token burns and mints through CCIP`,
    )
  }
  const outcome = budgets(reserveUnits, figures)
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
    ccip: ccipFigures(supplies[i].pool),
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
      totalSupply: outcome.totalSupply.toString(),
      ccipBurned: outcome.ccipBurned.toString(),
      ccipMinted: outcome.ccipMinted.toString(),
      ccipInFlight: (outcome.ccipBurned - outcome.ccipMinted).toString(),
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

function ccipFigures(pool: PoolReading | undefined): ChainBudget['ccip'] {
  if (!pool) return null
  return {
    pool: pool.address,
    fromBlock: pool.fromBlock,
    typeAndVersion: pool.typeAndVersion,
    burned: pool.burned.toString(),
    minted: pool.minted.toString(),
    net: (pool.burned - pool.minted).toString(),
    events: pool.events,
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
