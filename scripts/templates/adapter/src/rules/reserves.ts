/** The reserve rules: pure, no I/O. */
import { rescale, type ScaledAmount } from '#common/decimal'
import { providerError } from '#common/errors'

/**
 * The reserves × 10^decimals as an integer, rounded down: a reserve is never overstated. A
 * negative reserve is refused (502), never reported.
 */
export function reserveUnits(reserves: ScaledAmount, decimals: number, subject: string): bigint {
  if (reserves.units < 0n) throw providerError(`${subject}: reserves are negative`)
  return rescale(reserves.units, reserves.decimals, decimals, 'down')
}
