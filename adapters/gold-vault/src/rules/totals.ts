/**
 * Rules on a vault's figures as a whole: a total sent beside its bars agrees with them, and no
 * figure is more gold than can be held.
 */
import { abs, compare, subtract, type ScaledAmount } from '#common/decimal'
import { providerError } from '#common/errors'
import type { Reading } from '../provider/sources'
import { inGrams, show } from './weights'

/**
 * A `grams_locked` sent beside a bar list is the same gold counted twice: it must be within
 * `toleranceGrams` of the fine gold of the bars (`barGrams`, `bars` of them); else a 502 naming both.
 */
export function checkSummaryAgrees(
  summary: Reading,
  barGrams: ScaledAmount,
  bars: number,
  toleranceGrams: ScaledAmount,
  subject: string,
): void {
  if (compare(abs(subtract(summary.value, barGrams)), toleranceGrams) > 0) {
    throw providerError(
      `${subject}: grams_locked ${summary.text} g disagrees with its bar list, ${show(barGrams)} g of fine gold in ${bars} bar${bars === 1 ? '' : 's'}, by more than GOLD_VAULT_SUMMARY_TOLERANCE_GRAMS (${show(toleranceGrams)})`,
    )
  }
}

/**
 * Refuses, with a 502, `grams` of fine gold more than `maxTroyOunces`
 * (GOLD_VAULT_MAX_TOTAL_TROY_OUNCES): `figure` says what the figure is, as the message's subject.
 */
export function checkPlausibleGold(grams: ScaledAmount, maxTroyOunces: ScaledAmount, figure: string): void {
  if (compare(grams, inGrams(maxTroyOunces, 'toz')) <= 0) return
  throw providerError(
    `${figure} is more than GOLD_VAULT_MAX_TOTAL_TROY_OUNCES (${show(maxTroyOunces)} troy oz): more gold than can be held`,
  )
}
