/**
 * Numbers as `npm run guard` reads and prints them: durations (`86400`, `36h`, `2d`), instants (unix seconds,
 * printed in UTC with how far away they are), token amounts (integers with their decimals, never a float), and
 * the reserve ratio, worked out exactly and rounded down.
 */
import { divideToUnits, formatUnits } from '#common/decimal'
import { CliError } from '#devkit/cli'

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 }

/** Seconds from `86400`, `86400s`, `90m`, `36h` or `2d`: whole numbers only. */
export function parseDuration(text: string, field: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text)
  if (!match) {
    throw new CliError(
      `${field} is a duration: whole seconds, or a whole number of s, m, h or d (86400, 36h, 2d), got ${JSON.stringify(text)}`,
      'usage',
    )
  }
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] || 's']
  if (!Number.isSafeInteger(seconds)) throw new CliError(`${field} ${text} is too long`, 'usage')
  return seconds
}

/** `1 d 2 h`, `36 min`, `45 s`: the two largest units, rounded down. */
export function showDuration(seconds: number | bigint): string {
  let left = Number(seconds)
  if (left === 0) return '0 s'
  const parts: string[] = []
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ] as const) {
    const count = Math.floor(left / size)
    if (count > 0) parts.push(`${count} ${unit}`)
    left -= count * size
  }
  return parts.slice(0, 2).join(' ')
}

/** A delay as set: `1 d (86,400 s)`. */
export function showDelay(seconds: number | bigint): string {
  return `${showDuration(seconds)} (${BigInt(seconds).toLocaleString('en-US')} s)`
}

/** An instant (unix seconds) in UTC: `2026-11-22 10:00:00 UTC`. */
export function showTime(unixSeconds: number | bigint): string {
  return new Date(Number(unixSeconds) * 1000).toISOString().replace('T', ' ').replace('.000Z', ' UTC')
}

/** An instant and how far it is from `now`: `2026-11-22 10:00:00 UTC (in 23 h 59 min)`. */
export function showTimeFrom(unixSeconds: number | bigint, now: number | bigint): string {
  const gap = Number(unixSeconds) - Number(now)
  const relative = gap === 0 ? 'now' : gap > 0 ? `in ${showDuration(gap)}` : `${showDuration(-gap)} ago`
  return `${showTime(unixSeconds)} (${relative})`
}

/** `90 sBTC`: an integer at its decimals, exactly, with its unit. */
export function showUnits(units: bigint, decimals: number, unit: string): string {
  return `${formatUnits(units, decimals)} ${unit}`
}

export { parseAmount, showGas as showNumber } from '../upkeeps/format'

/** The digits of a ratio as printed: two decimals of a percent. */
export const RATIO_DECIMALS = 2

/**
 * Reserves ÷ supply as a percent, exact to {@link RATIO_DECIMALS} decimals and rounded down (never more
 * backing than there is): `111.11` for 100 over 90. Undefined when the supply is 0 (nothing to back) or the
 * reserves are not positive (no reading to compare).
 */
export function reserveRatio(
  reserves: bigint,
  reserveDecimals: number,
  supply: bigint,
  supplyDecimals: number,
): string | undefined {
  if (supply <= 0n || reserves <= 0n) return undefined
  const percent = divideToUnits(
    { units: reserves * 100n, decimals: reserveDecimals },
    { units: supply, decimals: supplyDecimals },
    RATIO_DECIMALS,
    'down',
  )
  const digits = percent.toString().padStart(RATIO_DECIMALS + 1, '0')
  return `${digits.slice(0, -RATIO_DECIMALS)}.${digits.slice(-RATIO_DECIMALS)}`
}
