/**
 * What a guarded asset's figures mean, exactly, for every tool that shows them (the dashboard, the demo, the
 * scenarios): the guard's verdict in plain words (backed, short, stale), the collateral ratio, the reserves the
 * guard requires for a supply, and the headroom over them. Integers throughout: two precisions are brought to
 * the larger one by multiplying (never dividing), as `ReserveCheck` does, and a ratio is rounded down.
 *
 * The margin is read through {@link marginOf} alone: the rule `reserves × 10000 ≥ supply × (10000 + marginBps)`
 * lives in {@link requiredReserves}, so another kind of margin is one change here.
 */
import { Reason, Verdict } from '#chain/types'
import { formatUnits } from '#common/decimal'

/** The guard's verdict in plain words: backed, short of reserves, or without a fresh reading. */
export type VerdictWord = 'backed' | 'short' | 'stale'

/**
 * The reasons that say the reading is missing or too old, not that the reserves fall short: a feed or a supply
 * that could not be read, or is older than its heartbeat. `ReserveCheck` judges them by the stale policy
 * (fail-closed: short, so the guard pauses; skip: no decision).
 */
const NO_FRESH_READING: ReadonlySet<bigint> = new Set([
  Reason.ReserveFeedFailed,
  Reason.SupplyFailed,
  Reason.StaleReserves,
  Reason.StaleSupply,
])

/** The guard's check (`assetStatus`: verdict and reason) in plain words. */
export function verdictWord(verdict: bigint, reason: bigint): VerdictWord {
  if (verdict === Verdict.Backed) return 'backed'
  if (verdict === Verdict.Skipped || NO_FRESH_READING.has(reason)) return 'stale'
  return 'short'
}

/** The extra reserves an asset must hold over its supply. */
export interface Margin {
  kind: 'bps'
  /** basis points of the supply (100 = 1 %) */
  bps: number
}

/** An asset's margin, from its configuration (the guard's `AssetConfig`, or anything with its `marginBps`). */
export function marginOf(config: { marginBps: number | bigint }): Margin {
  return { kind: 'bps', bps: Number(config.marginBps) }
}

const BPS = 10_000n

/** Reserves and supply, each at its own precision. */
export interface Backing {
  reserves: bigint
  reserveDecimals: number
  supply: bigint
  supplyDecimals: number
}

/** Both sides at the larger precision (the less precise one multiplied up), as `ReserveCheck` compares them. */
export function atCommonDecimals(backing: Backing): { reserves: bigint; supply: bigint; decimals: number } {
  const decimals = Math.max(backing.reserveDecimals, backing.supplyDecimals)
  return {
    reserves: backing.reserves * 10n ** BigInt(decimals - backing.reserveDecimals),
    supply: backing.supply * 10n ** BigInt(decimals - backing.supplyDecimals),
    decimals,
  }
}

/** The reserves `margin` requires for `supply` (both at the same precision), rounded up: the least that is backed. */
export function requiredReserves(supply: bigint, margin: Margin): bigint {
  const scaled = supply * (BPS + BigInt(margin.bps))
  return (scaled + BPS - 1n) / BPS
}

/** Reserves ÷ supply in percent, rounded down to `digits` decimals (`111.11`); undefined without supply. */
export function ratioPercent(backing: Backing, digits = 2): string | undefined {
  const { reserves, supply } = atCommonDecimals(backing)
  if (supply === 0n) return undefined
  return formatUnits((reserves * 100n * 10n ** BigInt(digits)) / supply, digits)
}

/** The collateral ratio the margin requires, in percent (`100.5` for 50 bps). */
export function requiredRatioPercent(margin: Margin): string {
  return formatUnits(BPS + BigInt(margin.bps), 2)
}

/**
 * Reserves over what the margin requires, at the larger precision: negative when short. An asset is backed by
 * the guard's rule exactly when this is ≥ 0 (and its reading is fresh).
 */
export function headroom(backing: Backing, margin: Margin): { units: bigint; decimals: number } {
  const { reserves, supply, decimals } = atCommonDecimals(backing)
  return { units: reserves - requiredReserves(supply, margin), decimals }
}
