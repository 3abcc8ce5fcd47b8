import { sumAtDecimals, type ScaledAmount } from '#common/decimal'

/**
 * The sum of per-chain amounts, each at its own decimals, expressed at `resultDecimals`: summed
 * exactly at the finest precision involved, then rounded up once, so the supply is never
 * understated and overstated by less than one unit of the result.
 */
export function totalCirculating(amounts: ScaledAmount[], resultDecimals: number): bigint {
  return sumAtDecimals(amounts, resultDecimals, 'up')
}
