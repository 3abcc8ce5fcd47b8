/**
 * Currencies and the conversions between them, as a request declares them: which conversion
 * (or its inverse) each step of a component names, and the currency the component ends in.
 */
import { inputError } from '#common/errors'
import { quoteInput } from '#common/input'

/** A currency label: BTC, USD, XAU, wstETH, … (compared in upper case). */
const CURRENCY = /^[A-Za-z0-9._-]{1,32}$/

/** `value` as a currency label in upper case; a 400 naming `field` otherwise. */
export function checkCurrency(value: unknown, field: string): string {
  if (typeof value !== 'string' || !CURRENCY.test(value)) {
    throw inputError(
      `${field}: ${quoteInput(value)} is not a currency (letters, digits, ".", "_" and "-", at most 32)`,
    )
  }
  return value.toUpperCase()
}

/** A conversion as declared: a price of one `from` in `to`. */
export interface Pair {
  from: string
  to: string
}

/** One step of a component's conversions: conversion number `conversion`, used as is or inverted. */
export interface ConversionStep {
  conversion: number
  inverse: boolean
}

/**
 * The steps of a component in `currency` converted by `names` ("BTC/USD", in order), each the
 * conversion declared for that pair, or the inverse of the one declared for the reverse pair, and
 * the currency it ends in. A 400 naming `field` for a name that is not "FROM/TO", a step that does
 * not start from the component's currency at that point, or a pair with no conversion declared.
 */
export function conversionPath(
  currency: string,
  names: string[],
  pairs: Pair[],
  field: string,
): { steps: ConversionStep[]; currency: string } {
  let current = currency
  const steps = names.map((name, j) => {
    const at = `${field}[${j}]`
    const parts = typeof name === 'string' ? name.split('/') : []
    if (parts.length !== 2) throw inputError(`${at}: ${quoteInput(name)} is not a conversion "FROM/TO"`)
    const from = checkCurrency(parts[0], at)
    const to = checkCurrency(parts[1], at)
    if (from !== current) {
      throw inputError(`${at}: ${from}/${to} converts from ${from}, but the component is in ${current} there`)
    }
    const direct = pairs.findIndex((pair) => pair.from === from && pair.to === to)
    const inverse = pairs.findIndex((pair) => pair.from === to && pair.to === from)
    if (direct < 0 && inverse < 0) {
      throw inputError(`${at}: no conversion between ${from} and ${to} is declared in conversions`)
    }
    current = to
    return direct >= 0 ? { conversion: direct, inverse: false } : { conversion: inverse, inverse: true }
  })
  return { steps, currency: current }
}
