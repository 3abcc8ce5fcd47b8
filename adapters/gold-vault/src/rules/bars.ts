import { abs, add, compare, min, subtract, times, type ScaledAmount } from '#common/decimal'
import { providerError } from '#common/errors'
import type { Bar } from '../provider/sources'
import { LBMA_ROUNDING_TOZ, ZERO, inGrams, show, type WeightUnit } from './weights'

/** What a bar may be, from the settings. */
export interface BarLimits {
  /** Accepted fineness, parts per thousand, inclusive. */
  minFineness: ScaledAmount
  maxFineness: ScaledAmount
  /** The heaviest bar, gross troy ounces (GOLD_VAULT_MAX_BAR_TROY_OUNCES). */
  maxGrossTroyOunces: ScaledAmount
}

/** Bars already counted, by refiner + serial, with where each was found. */
export type SeenBars = Map<string, string>

const THOUSAND: ScaledAmount = { units: 1000n, decimals: 0 }

/**
 * Checks every bar of one vault's list and returns the fine gold they hold, in grams, exactly.
 * Each failure is a 502 naming the bar:
 * - the same refiner + serial twice (in this list or in another vault of the same request;
 *   compared trimmed and case-insensitively);
 * - fineness outside the limits;
 * - a gross or fine weight of zero, or a gross weight above the heaviest bar there is;
 * - a fine weight that differs from gross × fineness / 1000 by more than the LBMA rounding of
 *   0.001 troy oz.
 *
 * A bar counts for its stated fine weight, or for gross × fineness / 1000 when that is smaller:
 * a list that rounds up never adds gold.
 */
export function tallyBars(
  bars: Bar[],
  unit: WeightUnit,
  subject: string,
  limits: BarLimits,
  seen: SeenBars,
): ScaledAmount {
  const tolerance = inGrams(LBMA_ROUNDING_TOZ, 'toz')
  const heaviest = inGrams(limits.maxGrossTroyOunces, 'toz')
  let total = ZERO
  for (const bar of bars) {
    const label = `${subject}, bar ${bar.refiner} ${bar.serial} (${bar.where})`
    const key = `${bar.refiner.trim().toUpperCase()}\n${bar.serial.trim().toUpperCase()}`
    const first = seen.get(key)
    if (first !== undefined) {
      throw providerError(
        `${subject}: bar ${bar.refiner} ${bar.serial} is listed twice: ${first} and ${subject} ${bar.where}`,
      )
    }
    seen.set(key, `${subject} ${bar.where}`)

    const { minFineness, maxFineness } = limits
    if (compare(bar.fineness.value, minFineness) < 0 || compare(bar.fineness.value, maxFineness) > 0) {
      throw providerError(
        `${label}: fineness ${bar.fineness.text} is outside ${show(minFineness)}–${show(maxFineness)} parts per thousand (GOLD_VAULT_MIN_FINENESS, GOLD_VAULT_MAX_FINENESS)`,
      )
    }
    if (bar.gross.value.units === 0n) throw providerError(`${label}: gross weight is zero`)
    if (bar.fine.value.units === 0n) throw providerError(`${label}: fine weight is zero`)
    if (compare(inGrams(bar.gross.value, unit), heaviest) > 0) {
      throw providerError(
        `${label}: gross weight ${bar.gross.text} ${unit} is more than GOLD_VAULT_MAX_BAR_TROY_OUNCES (${show(limits.maxGrossTroyOunces)} troy oz): no bar weighs that`,
      )
    }

    // gross × fineness / 1000, exact: a fineness has finitely many decimals.
    const product = times(bar.gross.value, bar.fineness.value)
    const expected = { units: product.units, decimals: product.decimals + 3 }
    const stated = inGrams(bar.fine.value, unit)
    const computed = inGrams(expected, unit)
    if (compare(abs(subtract(stated, computed)), tolerance) > 0) {
      throw providerError(
        `${label}: fine weight ${bar.fine.text} ${unit} disagrees with gross ${bar.gross.text} × fineness ${bar.fineness.text} / ${show(THOUSAND)} = ${show(expected)} ${unit} by more than the LBMA rounding of 0.001 oz`,
      )
    }
    total = add(total, min(stated, computed))
  }
  return total
}
