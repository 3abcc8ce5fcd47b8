/**
 * What a guarded asset's figures mean, exactly, for every tool that shows them (the dashboard, the demo, the
 * scenarios): the guard's verdict in plain words (backed, short, stale), the collateral ratio, the reserves the
 * guard requires for a supply, and the headroom over them. Integers throughout: two precisions are brought to
 * the larger one by multiplying (never dividing), as `ReserveCheck` does, and a ratio is rounded down.
 *
 * The margin is one of Chainlink ACE's five modes (`MarginMode`, as `ReserveCheck` reads it); each mode's rule lives
 * in {@link requiredReserves} alone, and devkit/test/reserve-figures.test.ts holds it to `ReserveCheck.compare`.
 */
import { enumName, MarginMode, Reason, Verdict, type Margin } from '#chain/types'
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

/** An asset's margin, from its configuration (the guard's `AssetConfig`, or anything with its margin fields). */
export function marginOf(config: Margin): Margin {
  return { marginMode: config.marginMode, marginAmount: config.marginAmount }
}

/**
 * A margin in words: its ACE mode and its amount, in basis points (with the percentage) for a percentage mode, in
 * the supply's units for an absolute one (`PositivePercentage 100 bps (1 %)`, `NegativeAbsolute 5000 USDX`).
 */
export function marginText(margin: Margin, supplyDecimals: number, unit = ''): string {
  const mode = enumName(MarginMode, margin.marginMode)
  if (margin.marginMode === MarginMode.None) return mode
  if (isPercentage(margin))
    return `${mode} ${margin.marginAmount} bps (${formatUnits(margin.marginAmount, 2)} %)`
  return `${mode} ${formatUnits(margin.marginAmount, supplyDecimals)}${unit}`
}

const isPercentage = (margin: Margin) =>
  margin.marginMode === MarginMode.PositivePercentage || margin.marginMode === MarginMode.NegativePercentage

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

/**
 * The least reserves that back `supply` under `margin` (both at one precision; `marginScale` is what brought the
 * supply to it, so an absolute margin, in the supply's units, is scaled with it), by `ReserveCheck.compare`'s
 * rule for each mode, rounded up. Undefined when no reserves do: a 100 % positive percentage keeps all of the
 * reserves, so only a supply of 0 is backed.
 */
export function requiredReserves(supply: bigint, margin: Margin, marginScale = 1n): bigint | undefined {
  const m = margin.marginAmount
  switch (margin.marginMode) {
    case MarginMode.PositiveAbsolute:
      // `s + m ≤ reserves`, and a supply of 0 is backed whatever the reserves (ACE mints nothing then).
      return supply === 0n ? 0n : supply + m * marginScale
    case MarginMode.NegativeAbsolute:
      // `s ≤ reserves + m`.
      return supply > m * marginScale ? supply - m * marginScale : 0n
    default: {
      // `s × 10000 ≤ reserves × (10000 ∓ m)`; None is 0 %.
      const factor =
        margin.marginMode === MarginMode.PositivePercentage
          ? BPS - m
          : margin.marginMode === MarginMode.NegativePercentage
            ? BPS + m
            : BPS
      if (factor === 0n) return supply === 0n ? 0n : undefined
      return (supply * BPS + factor - 1n) / factor
    }
  }
}

/** Reserves ÷ supply in percent, rounded down to `digits` decimals (`111.11`); undefined without supply. */
export function ratioPercent(backing: Backing, digits = 2): string | undefined {
  const { reserves, supply } = atCommonDecimals(backing)
  if (supply === 0n) return undefined
  return formatUnits((reserves * 100n * 10n ** BigInt(digits)) / supply, digits)
}

/**
 * What the margin requires of the reserves for this supply, and the reserves over it (negative when short), at
 * the larger precision. An asset is backed by the guard's rule exactly when the headroom is ≥ 0 (and its reading
 * is fresh). Both are undefined when no reserves back the supply (a 100 % positive percentage and a supply above
 * 0): short by any amount.
 */
export function requirement(
  backing: Backing,
  margin: Margin,
): { required?: bigint; headroom?: bigint; decimals: number } {
  const { reserves, supply, decimals } = atCommonDecimals(backing)
  const required = requiredReserves(supply, margin, 10n ** BigInt(decimals - backing.supplyDecimals))
  return { required, headroom: required === undefined ? undefined : reserves - required, decimals }
}

/** The reserves over what the margin requires ({@link requirement}), at the larger precision. */
export function headroom(backing: Backing, margin: Margin): { units?: bigint; decimals: number } {
  const { headroom: units, decimals } = requirement(backing, margin)
  return { units, decimals }
}
