/**
 * The reserve-check rules written again, independently, in plain bigint TypeScript: the specification the
 * property tests hold ReserveCheck.sol to. It scales the less precise side to the larger precision the
 * obvious way (no 512-bit tricks), so an arithmetic slip in the contract shows up as a mismatch.
 */
import { Reason, StalePolicy, Verdict } from '#chain/types'

export const MAX_UINT256 = 2n ** 256n - 1n
export const MAX_INT256 = 2n ** 255n - 1n
export const MIN_INT256 = -(2n ** 255n)
export const BPS = 10_000n
export const MAX_DECIMALS_GAP = 72

export interface CompareInput {
  reserves: bigint
  reserveDecimals: number
  supply: bigint
  supplyDecimals: number
  amount: bigint
  marginBps: number
}

/** `reserves × 10000 ≥ (supply + amount) × (10000 + margin)`, both sides at the larger precision. */
export function modelCompare(c: CompareInput): bigint {
  const common = Math.max(c.reserveDecimals, c.supplyDecimals)
  if (Math.abs(c.reserveDecimals - c.supplyDecimals) > MAX_DECIMALS_GAP) return Reason.UnsupportedDecimals
  const total = c.supply + c.amount
  if (total > MAX_UINT256) return Reason.SupplyOverflow
  const reserves = c.reserves * 10n ** BigInt(common - c.reserveDecimals)
  const needed = total * 10n ** BigInt(common - c.supplyDecimals)
  return reserves * BPS >= needed * (BPS + BigInt(c.marginBps)) ? Reason.None : Reason.InsufficientReserves
}

export interface Reading {
  ok: boolean
  answer: bigint
  updatedAt: bigint
  decimals: number
}

export interface Rules {
  heartbeat: bigint
  supplyHeartbeat: bigint
  stalePolicy: bigint
  marginBps: number
}

export interface EvaluateInput {
  reserve: Reading
  supply: Reading
  rules: Rules
  amount: bigint
  timestamp: bigint
}

/** The rules in their documented order: the first that applies decides. */
export function modelReason(c: EvaluateInput): bigint {
  const { reserve, supply, rules, timestamp } = c
  if (!reserve.ok) return Reason.ReserveFeedFailed
  if (reserve.answer <= 0n) return Reason.NonPositiveReserves
  if (reserve.updatedAt === 0n || reserve.updatedAt > timestamp) return Reason.InvalidReserveTimestamp
  if (!supply.ok) return Reason.SupplyFailed
  if (supply.answer < 0n) return Reason.NegativeSupply
  if (supply.updatedAt === 0n || supply.updatedAt > timestamp) return Reason.InvalidSupplyTimestamp
  if (timestamp - reserve.updatedAt > rules.heartbeat) return Reason.StaleReserves
  if (timestamp - supply.updatedAt > rules.supplyHeartbeat) return Reason.StaleSupply
  return modelCompare({
    reserves: reserve.answer,
    reserveDecimals: reserve.decimals,
    supply: supply.answer,
    supplyDecimals: supply.decimals,
    amount: c.amount,
    marginBps: rules.marginBps,
  })
}

/**
 * No reading (a failed reserve or supply read) and stale data are judged by the stale policy; anything else
 * that is not backed is short.
 */
export function modelVerdict(reason: bigint, stalePolicy: bigint): bigint {
  if (reason === Reason.None) return Verdict.Backed
  const noData: bigint[] = [
    Reason.ReserveFeedFailed,
    Reason.SupplyFailed,
    Reason.StaleReserves,
    Reason.StaleSupply,
  ]
  return noData.includes(reason) && stalePolicy === StalePolicy.Skip ? Verdict.Skipped : Verdict.Short
}

/**
 * The smallest reserves (at `reserveDecimals`) that back `supply + amount` with the margin: the boundary
 * the property tests probe on both sides.
 */
export function minimumBackingReserves(c: Omit<CompareInput, 'reserves'>): bigint {
  const common = Math.max(c.reserveDecimals, c.supplyDecimals)
  const needed =
    (c.supply + c.amount) * 10n ** BigInt(common - c.supplyDecimals) * (BPS + BigInt(c.marginBps))
  const perReserveUnit = 10n ** BigInt(common - c.reserveDecimals) * BPS
  return (needed + perReserveUnit - 1n) / perReserveUnit
}

/**
 * TrueUSD's historical bug, kept only to show the regression case separates the two: the supply is scaled
 * to the feed's larger precision, the amount being minted is not.
 */
export function trueUsdBuggyBacked(c: CompareInput): boolean {
  const gap = BigInt(c.reserveDecimals - c.supplyDecimals)
  const scaledSupply = gap > 0n ? c.supply * 10n ** gap : c.supply
  return c.reserves >= scaledSupply + c.amount
}
