import { inputError } from '#common/errors'
import { checkEvmAddress } from '#common/evm-address'
import { MAX_TOKEN_DECIMALS } from '#common/evm-calls'
import { logBlockRange, resolveEvmNetwork, type EvmNetworkSettings } from '#common/evm-rpc'
import { quoteInput } from '#common/input'
import {
  checkRequest as checkReserveRequest,
  type ReservePlan,
} from '#adapters/proof-of-reserves/src/endpoint/reserves-request'
import { checkCurrency } from '#adapters/proof-of-reserves/src/rules/conversions'
import type { Settings } from '../config'
import type { MintableRequestParams } from './mintable'

/** A chain's share when the request gives none, and the largest accepted. */
const DEFAULT_SHARE = 1
const MAX_SHARE = 1_000_000

/** An amount at the token's decimals: an integer of at most 78 digits (a uint256). */
const UNITS = /^(0|[1-9]\d{0,77})$/

/** One supply chain, checked. */
export interface SupplyChain {
  settings: EvmNetworkSettings
  token: string
  confirmations: number
  /** At the token's decimals. */
  preMint: bigint
  share: number
  /** The token's CCIP pool that burns and mints on this chain, and its deployment block. */
  ccipPool?: { address: string; fromBlock: number; blockRange: number }
}

/** A checked request: the chains to read, the reserve's plan, and the request in canonical form. */
export interface MintableRequest {
  token: string
  decimals: number
  currency: string
  chains: SupplyChain[]
  reserve: ReservePlan
  inputs: MintableRequestParams
}

/**
 * Checks a request against the settings without reading anything: every failure is a 400 naming
 * the field (or a 500 naming a malformed setting). The reserve is checked by the composite's own
 * code, at the token's decimals. Used by the endpoint's customInputValidation and again by the
 * transport.
 */
export function checkRequest(
  params: MintableRequestParams,
  settings: Settings,
  env: NodeJS.ProcessEnv = process.env,
): MintableRequest {
  const token = checkTokenName(params.token)
  const { decimals } = params
  if (!Number.isSafeInteger(decimals) || decimals < 0 || decimals > MAX_TOKEN_DECIMALS) {
    throw inputError(
      `decimals: must be an integer from 0 to ${MAX_TOKEN_DECIMALS}, got ${quoteInput(decimals)}`,
    )
  }
  const currency = checkCurrency(params.currency, 'currency')
  const chains = checkChains(params.supplyChains, settings.MAX_SUPPLY_CHAINS, env)
  const reserve = checkReserves(params, decimals, currency, settings, env)
  const { resultDecimals: _decimals, ...reserveInputs } = reserve.inputs
  return {
    token,
    decimals,
    currency,
    chains,
    reserve,
    inputs: {
      token,
      decimals,
      currency,
      supplyChains: chains.map((chain) => ({
        network: chain.settings.network,
        address: chain.token,
        confirmations: chain.confirmations,
        preMint: chain.preMint.toString(),
        share: chain.share,
        ...(chain.ccipPool
          ? { ccipPool: chain.ccipPool.address, ccipPoolFromBlock: chain.ccipPool.fromBlock }
          : {}),
      })),
      ...reserveInputs,
    },
  }
}

/** The request in canonical form ({@link MintableRequest.inputs}); a 400 when it is refused. */
export const canonicalRequest = (params: MintableRequestParams, settings: Settings): MintableRequestParams =>
  checkRequest(params, settings).inputs

const TOKEN_NAME = /^[\p{L}\p{N}\p{P}\p{S} ]{1,64}$/u

function checkTokenName(value: unknown): string {
  if (typeof value !== 'string' || !TOKEN_NAME.test(value) || value.trim() === '') {
    throw inputError(`token: ${quoteInput(value)} is not a token name (1 to 64 printable characters)`)
  }
  return value
}

function checkChains(
  entries: MintableRequestParams['supplyChains'] | undefined,
  max: number,
  env: NodeJS.ProcessEnv,
): SupplyChain[] {
  const list = entries ?? []
  if (list.length === 0) throw inputError('supplyChains: list at least one { network, address }')
  if (list.length > max) {
    throw inputError(`supplyChains: ${list.length} chains, more than MAX_SUPPLY_CHAINS (${max})`)
  }
  const byChainId = new Map<bigint, string>()
  return list.map((entry, i) => {
    const field = `supplyChains[${i}]`
    const settings = resolveEvmNetwork(entry?.network, `${field}.network`, env)
    const same = byChainId.get(settings.chainId)
    if (same !== undefined) {
      throw inputError(
        `${field}.network: "${settings.network}" is chain ${settings.chainId}, as "${same}" is: list each chain once`,
      )
    }
    byChainId.set(settings.chainId, settings.network)
    const token = checkEvmAddress(entry?.address, `${field}.address`)
    const confirmations = entry?.confirmations ?? 0
    if (!Number.isSafeInteger(confirmations) || confirmations < 0) {
      throw inputError(
        `${field}.confirmations: must be a non-negative integer, got ${quoteInput(confirmations)}`,
      )
    }
    const preMintText = entry?.preMint ?? '0'
    if (typeof preMintText !== 'string' || !UNITS.test(preMintText)) {
      throw inputError(
        `${field}.preMint: ${quoteInput(preMintText)} is not an amount: an integer at the token's decimals, as decimal text`,
      )
    }
    const share = entry?.share ?? DEFAULT_SHARE
    if (!Number.isSafeInteger(share) || share < 0 || share > MAX_SHARE) {
      throw inputError(`${field}.share: must be an integer from 0 to ${MAX_SHARE}, got ${quoteInput(share)}`)
    }
    const ccipPool = checkPool(entry, field, token, settings.network, env)
    return {
      settings,
      token,
      confirmations,
      preMint: BigInt(preMintText),
      share,
      ...(ccipPool ? { ccipPool } : {}),
    }
  })
}

/** A chain's CCIP pool: both fields or neither, an address that is not the token's, a block ≥ 0. */
function checkPool(
  entry: MintableRequestParams['supplyChains'][number] | undefined,
  field: string,
  token: string,
  network: string,
  env: NodeJS.ProcessEnv,
): SupplyChain['ccipPool'] {
  const pool = entry?.ccipPool
  const fromBlock = entry?.ccipPoolFromBlock
  if (pool === undefined && fromBlock === undefined) return undefined
  if (pool === undefined) {
    throw inputError(
      `${field}.ccipPool: ccipPoolFromBlock is given without the pool it is the deployment block of`,
    )
  }
  const address = checkEvmAddress(pool, `${field}.ccipPool`)
  if (address.toLowerCase() === token.toLowerCase()) {
    throw inputError(`${field}.ccipPool: ${address} is the token itself, not its pool`)
  }
  if (fromBlock === undefined) {
    throw inputError(
      `${field}.ccipPoolFromBlock: give the block the pool was deployed in (its events are read from there)`,
    )
  }
  if (!Number.isSafeInteger(fromBlock) || fromBlock < 0) {
    throw inputError(
      `${field}.ccipPoolFromBlock: must be a non-negative integer, got ${quoteInput(fromBlock)}`,
    )
  }
  return { address, fromBlock, blockRange: logBlockRange(network, env) }
}

/**
 * The reserve's plan, by the composite's own check of the request's reserve inputs, its total at
 * the token's decimals and in the token's currency: a reserve in another unit is never compared
 * with the supply.
 */
function checkReserves(
  params: MintableRequestParams,
  decimals: number,
  currency: string,
  settings: Settings,
  env: NodeJS.ProcessEnv,
): ReservePlan {
  const { addressLists, balanceSources, components, conversions } = params
  const plan = checkReserveRequest(
    { addressLists, balanceSources, components, conversions, resultDecimals: decimals },
    settings,
    env,
  )
  if (plan.currency !== currency) {
    throw inputError(
      `currency: the token is backed by ${currency}, but the reserve's components add up in ${plan.currency}: convert them (conversions)`,
    )
  }
  return plan
}
