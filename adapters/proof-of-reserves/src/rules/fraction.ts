/**
 * Exact rational amounts: what a reserve is while its components are summed and converted. A
 * bitcoin balance, a token balance or an attested figure is a decimal; gold in troy ounces (grams
 * ÷ 31.1034768) and a figure divided by a price are not. Kept as fractions, every component is
 * exact until the total is rounded down, once, to the result's decimals.
 */
import type { ScaledAmount } from '#common/decimal'

/** `numerator / denominator`, the denominator positive. */
export interface Fraction {
  numerator: bigint
  denominator: bigint
}

export const ZERO: Fraction = { numerator: 0n, denominator: 1n }

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a < 0n ? -a : a, b]
  while (y !== 0n) [x, y] = [y, x % y]
  return x
}

/** The fraction in lowest terms (the denominator positive). */
function reduced(numerator: bigint, denominator: bigint): Fraction {
  if (denominator === 0n) throw new RangeError('division by zero')
  const sign = denominator < 0n ? -1n : 1n
  const divisor = gcd(numerator, denominator) || 1n
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor }
}

/** An exact decimal amount as a fraction. */
export function fromScaled(amount: ScaledAmount): Fraction {
  return reduced(amount.units, 10n ** BigInt(amount.decimals))
}

/** `a / b` of two exact decimal amounts. */
export function ratio(a: ScaledAmount, b: ScaledAmount): Fraction {
  return reduced(a.units * 10n ** BigInt(b.decimals), b.units * 10n ** BigInt(a.decimals))
}

export function plus(a: Fraction, b: Fraction): Fraction {
  return reduced(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator)
}

export function times(a: Fraction, b: Fraction): Fraction {
  return reduced(a.numerator * b.numerator, a.denominator * b.denominator)
}

export function dividedBy(a: Fraction, b: Fraction): Fraction {
  return reduced(a.numerator * b.denominator, a.denominator * b.numerator)
}

/** `amount × 10^decimals`, rounded down (toward −∞): a reserve is never overstated. */
export function floorAt(amount: Fraction, decimals: number): bigint {
  const scaled = amount.numerator * 10n ** BigInt(decimals)
  const quotient = scaled / amount.denominator
  return scaled % amount.denominator !== 0n && scaled < 0n ? quotient - 1n : quotient
}
