/**
 * The reserve-check rules written again, independently, in plain bigint TypeScript: the specification the
 * property tests hold ReserveCheck.sol to. It scales the less precise side to the larger precision the
 * obvious way (no 512-bit tricks), so an arithmetic slip in the contract shows up as a mismatch.
 */
import { MarginMode, Reason, StalePolicy, Verdict } from '#chain/types'

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
  marginMode: bigint
  marginAmount: bigint
}

/** The factors that bring reserves and supply (and an absolute margin, in supply units) to the larger precision. */
function scales(c: Pick<CompareInput, 'reserveDecimals' | 'supplyDecimals'>) {
  const common = Math.max(c.reserveDecimals, c.supplyDecimals)
  return {
    reserveScale: 10n ** BigInt(common - c.reserveDecimals),
    supplyScale: 10n ** BigInt(common - c.supplyDecimals),
  }
}

/**
 * How much supply the reserves back under a margin, at the common precision, exactly: Chainlink ACE's
 * `totalMintableSupply` without its rounding, as a fraction `numerator / BPS`.
 */
function mintableTimesBps(reserves: bigint, mode: bigint, margin: bigint): bigint {
  switch (mode) {
    case MarginMode.None:
      return reserves * BPS
    case MarginMode.PositivePercentage:
      return reserves * (BPS - margin)
    case MarginMode.PositiveAbsolute:
      return reserves > margin ? (reserves - margin) * BPS : 0n
    case MarginMode.NegativePercentage:
      return reserves * (BPS + margin)
    case MarginMode.NegativeAbsolute:
      return (reserves + margin) * BPS
    default:
      throw new Error(`no margin mode ${mode}`)
  }
}

const isAbsolute = (mode: bigint) =>
  mode === MarginMode.PositiveAbsolute || mode === MarginMode.NegativeAbsolute

/** `supply + amount` against what the margin leaves mintable of the reserves, both at the larger precision. */
export function modelCompare(c: CompareInput): bigint {
  if (Math.abs(c.reserveDecimals - c.supplyDecimals) > MAX_DECIMALS_GAP) return Reason.UnsupportedDecimals
  const total = c.supply + c.amount
  if (total > MAX_UINT256) return Reason.SupplyOverflow
  const { reserveScale, supplyScale } = scales(c)
  const margin = isAbsolute(c.marginMode) ? c.marginAmount * supplyScale : c.marginAmount
  const mintable = mintableTimesBps(c.reserves * reserveScale, c.marginMode, margin)
  return total * supplyScale * BPS <= mintable ? Reason.None : Reason.InsufficientReserves
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
  marginMode: bigint
  marginAmount: bigint
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
    marginMode: rules.marginMode,
    marginAmount: rules.marginAmount,
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
 * The smallest reserves (at `reserveDecimals`) that back `supply + amount` with the margin: the boundary the
 * property tests probe on both sides; undefined when no reserves do (a 100% positive margin under a supply).
 */
export function minimumBackingReserves(c: Omit<CompareInput, 'reserves'>): bigint | undefined {
  const { reserveScale, supplyScale } = scales(c)
  const total = (c.supply + c.amount) * supplyScale
  const margin = c.marginAmount * supplyScale
  let needed: bigint // at the common precision
  switch (c.marginMode) {
    case MarginMode.None:
      needed = total
      break
    case MarginMode.PositivePercentage:
      if (c.marginAmount === BPS) return total === 0n ? 0n : undefined
      needed = ceilDiv(total * BPS, BPS - c.marginAmount)
      break
    case MarginMode.PositiveAbsolute:
      needed = total === 0n ? 0n : total + margin
      break
    case MarginMode.NegativePercentage:
      needed = ceilDiv(total * BPS, BPS + c.marginAmount)
      break
    default:
      needed = total > margin ? total - margin : 0n
  }
  return ceilDiv(needed, reserveScale)
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b

/**
 * TrueUSD's historical bug, kept only to show the regression case separates the two: the supply is scaled
 * to the feed's larger precision, the amount being minted is not.
 */
export function trueUsdBuggyBacked(c: CompareInput): boolean {
  const gap = BigInt(c.reserveDecimals - c.supplyDecimals)
  const scaledSupply = gap > 0n ? c.supply * 10n ** gap : c.supply
  return c.reserves >= scaledSupply + c.amount
}
