/**
 * Exact decimal arithmetic for amounts that cross a boundary (provider text, adapter output,
 * on-chain integers). Every amount is a bigint paired with an explicit number of decimals;
 * nothing here ever passes through a JS float.
 */

/** How to round when a conversion cannot be exact. Reserves round down, supplies round up. */
export type Rounding = 'down' | 'up'

/** An exact decimal value: `units × 10^-decimals`. */
export interface ScaledAmount {
  units: bigint
  decimals: number
}

const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$|^([+-]?)\.(\d+)(?:[eE]([+-]?\d+))?$/

export class DecimalFormatError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`${field} is not a decimal number: ${JSON.stringify(value)}`)
    this.name = 'DecimalFormatError'
  }
}

/**
 * Parses decimal text (`"123"`, `"-0.5"`, `"1.25e3"`) exactly. `field` names the value in the
 * error thrown for anything that is not a plain finite decimal.
 */
export function parseDecimal(text: string, field = 'value'): ScaledAmount {
  const match = typeof text === 'string' ? DECIMAL_TEXT.exec(text.trim()) : null
  if (!match) throw new DecimalFormatError(field, text)
  const sign = match[1] ?? match[5] ?? ''
  const intPart = match[2] ?? '0'
  const fracPart = match[3] ?? match[6] ?? ''
  const exponentText = match[4] ?? match[7]
  const exponent = exponentText === undefined ? 0 : Number(exponentText)
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 1000) throw new DecimalFormatError(field, text)
  let units = BigInt(intPart + fracPart)
  let decimals = fracPart.length - exponent
  if (decimals < 0) {
    units *= 10n ** BigInt(-decimals)
    decimals = 0
  }
  if (sign === '-') units = -units
  return { units, decimals }
}

/** Divides rounding toward negative or positive infinity, as asked. */
function divide(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  const quotient = numerator / denominator
  const remainder = numerator % denominator
  if (remainder === 0n) return quotient
  // bigint division truncates toward zero; adjust to the requested direction.
  const positive = numerator > 0n === denominator > 0n
  if (rounding === 'down') return positive ? quotient : quotient - 1n
  return positive ? quotient + 1n : quotient
}

/**
 * Re-expresses `units` given at `from` decimals at `to` decimals. Scaling up is exact; scaling
 * down rounds in the direction asked for and never silently.
 */
export function rescale(units: bigint, from: number, to: number, rounding: Rounding): bigint {
  assertDecimals(from, 'from')
  assertDecimals(to, 'to')
  if (to >= from) return units * 10n ** BigInt(to - from)
  return divide(units, 10n ** BigInt(from - to), rounding)
}

/** Parses decimal text and expresses it as an integer at `decimals`, rounding as asked. */
export function toUnits(text: string, decimals: number, rounding: Rounding, field = 'value'): bigint {
  const parsed = parseDecimal(text, field)
  return rescale(parsed.units, parsed.decimals, decimals, rounding)
}

/** `numerator / denominator` expressed at `decimals`, rounding as asked (e.g. grams → troy ounces). */
export function divideToUnits(
  numerator: ScaledAmount,
  denominator: ScaledAmount,
  decimals: number,
  rounding: Rounding,
): bigint {
  if (denominator.units === 0n) throw new RangeError('division by zero')
  // (n / 10^a) / (d / 10^b) × 10^decimals = n × 10^(b + decimals) / (d × 10^a)
  const top = numerator.units * 10n ** BigInt(denominator.decimals + decimals)
  const bottom = denominator.units * 10n ** BigInt(numerator.decimals)
  return divide(top, bottom, rounding)
}

/**
 * The sum of amounts, each at its own decimals, expressed at `decimals`: summed exactly at the
 * finest precision involved, then rounded once as asked (a reserve down, a supply up), so it is
 * off by less than one unit of the result.
 */
export function sumAtDecimals(amounts: ScaledAmount[], decimals: number, rounding: Rounding): bigint {
  const finest = Math.max(decimals, ...amounts.map((amount) => amount.decimals))
  const total = amounts.reduce(
    (sum, amount) => sum + rescale(amount.units, amount.decimals, finest, rounding),
    0n,
  )
  return rescale(total, finest, decimals, rounding)
}

// Arithmetic on exact amounts: the result carries enough decimals to be exact.

/** Both amounts as integers at their common (larger) number of decimals. */
function aligned(a: ScaledAmount, b: ScaledAmount): [bigint, bigint, number] {
  const decimals = Math.max(a.decimals, b.decimals)
  return [
    rescale(a.units, a.decimals, decimals, 'down'),
    rescale(b.units, b.decimals, decimals, 'down'),
    decimals,
  ]
}

export function add(a: ScaledAmount, b: ScaledAmount): ScaledAmount {
  const [x, y, decimals] = aligned(a, b)
  return { units: x + y, decimals }
}

export function subtract(a: ScaledAmount, b: ScaledAmount): ScaledAmount {
  const [x, y, decimals] = aligned(a, b)
  return { units: x - y, decimals }
}

export function times(a: ScaledAmount, b: ScaledAmount): ScaledAmount {
  return { units: a.units * b.units, decimals: a.decimals + b.decimals }
}

/** −1, 0 or 1 as a is less than, equal to or greater than b. */
export function compare(a: ScaledAmount, b: ScaledAmount): number {
  const [x, y] = aligned(a, b)
  return x < y ? -1 : x > y ? 1 : 0
}

export function abs(a: ScaledAmount): ScaledAmount {
  return a.units < 0n ? { units: -a.units, decimals: a.decimals } : a
}

export function min(a: ScaledAmount, b: ScaledAmount): ScaledAmount {
  return compare(a, b) <= 0 ? a : b
}

/** Formats an integer amount at `decimals` as plain decimal text (`123450000n, 8` → `"1.2345"`). */
export function formatUnits(units: bigint, decimals: number): string {
  assertDecimals(decimals, 'decimals')
  const negative = units < 0n
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  const fraction = decimals > 0 ? digits.slice(digits.length - decimals).replace(/0+$/, '') : ''
  return `${negative ? '-' : ''}${whole}${fraction ? '.' + fraction : ''}`
}

function assertDecimals(decimals: number, name: string): void {
  if (!Number.isSafeInteger(decimals) || decimals < 0 || decimals > 255) {
    throw new RangeError(`${name} must be an integer number of decimals between 0 and 255, got ${decimals}`)
  }
}
