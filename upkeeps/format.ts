/**
 * Amounts and values as the tools print them: integers with their decimals made explicit, exact both ways
 * (never through a float), and JSON that carries bigints as decimal strings.
 */
import { parseDecimal, rescale, formatUnits } from '#common/decimal'
import { UpkeepsError } from './errors'

/** A token amount: integer units, the token's decimals and symbol. */
export interface TokenAmount {
  units: bigint
  decimals: number
  symbol: string
}

/** `"1.5 LINK"`. */
export function showAmount(amount: TokenAmount): string {
  return `${formatUnits(amount.units, amount.decimals)} ${amount.symbol}`
}

/** An amount as JSON: the integer (string) and its decimals, with the decimal text for people. */
export function amountJson(amount: TokenAmount): {
  units: string
  decimals: number
  symbol: string
  text: string
} {
  return {
    units: amount.units.toString(),
    decimals: amount.decimals,
    symbol: amount.symbol,
    text: formatUnits(amount.units, amount.decimals),
  }
}

/**
 * Parses an amount typed by the user (`"2.5"`) exactly at `decimals`. More decimals than the token has,
 * a negative amount or zero is refused, never rounded.
 */
export function parseAmount(
  text: string,
  decimals: number,
  field = '--amount',
  unit = "the token's",
): bigint {
  let parsed
  try {
    parsed = parseDecimal(text, field)
  } catch {
    throw new UpkeepsError(`${field} must be a decimal number, got ${JSON.stringify(text)}`, 'usage')
  }
  const down = rescale(parsed.units, parsed.decimals, decimals, 'down')
  if (down !== rescale(parsed.units, parsed.decimals, decimals, 'up')) {
    throw new UpkeepsError(`${field} ${text} has more than ${unit} ${decimals} decimals`, 'usage')
  }
  if (down <= 0n) throw new UpkeepsError(`${field} must be more than 0, got ${text}`, 'usage')
  return down
}

export { toJson } from '#devkit/cli'

/** `0x1234…abcd` for long hex in status lines. */
export function shortHex(hex: string): string {
  return hex.length <= 14 ? hex : `${hex.slice(0, 6)}…${hex.slice(-4)}`
}

/** A gas figure with thousands separators (`1,450,441`). */
export function showGas(gas: bigint | number): string {
  return BigInt(gas).toLocaleString('en-US')
}
