/**
 * Exact gold weights. Every weight is a {@link ScaledAmount}; sums and comparisons are done in
 * grams, where troy ounces and kilograms convert exactly (1 troy oz = 31.1034768 g by
 * definition), and the one division (grams → troy ounces) happens last, rounding down.
 */
import { divideToUnits, formatUnits, times, type ScaledAmount } from '#common/decimal'

export const WEIGHT_UNITS = ['toz', 'g', 'kg'] as const
export type WeightUnit = (typeof WEIGHT_UNITS)[number]

/** 1 troy ounce = 31.1034768 g, exactly (international troy ounce, 1959). */
export const GRAMS_PER_TROY_OUNCE: ScaledAmount = { units: 311_034_768n, decimals: 7 }

/** LBMA fine weights are cut to 0.001 troy oz: the tolerance of a fine-weight check. */
export const LBMA_ROUNDING_TOZ: ScaledAmount = { units: 1n, decimals: 3 }

export const ZERO: ScaledAmount = { units: 0n, decimals: 0 }

/** `amount` given in `unit`, in grams, exactly. */
export function inGrams(amount: ScaledAmount, unit: WeightUnit): ScaledAmount {
  switch (unit) {
    case 'g':
      return amount
    case 'kg':
      return amount.decimals >= 3
        ? { units: amount.units, decimals: amount.decimals - 3 }
        : { units: amount.units * 10n ** BigInt(3 - amount.decimals), decimals: 0 }
    case 'toz':
      return times(amount, GRAMS_PER_TROY_OUNCE)
  }
}

/** Grams as troy ounces × 10^decimals, rounded down: a reserve is never overstated. */
export function gramsToTroyOunceUnits(grams: ScaledAmount, decimals: number): bigint {
  return divideToUnits(grams, GRAMS_PER_TROY_OUNCE, decimals, 'down')
}

/** Plain decimal text of an exact amount (`{ units: 3994402750n, decimals: 7 }` → `"399.440275"`). */
export function show(amount: ScaledAmount): string {
  return formatUnits(amount.units, amount.decimals)
}
