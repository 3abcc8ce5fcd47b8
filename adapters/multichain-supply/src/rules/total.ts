import { rescale, type ScaledAmount } from '#common/decimal'

/**
 * The sum of per-chain amounts, each at its own decimals, expressed at `resultDecimals`: summed
 * exactly at the finest precision involved, then rounded up once, so the supply is never
 * understated and overstated by less than one unit of the result.
 */
export function totalCirculating(amounts: ScaledAmount[], resultDecimals: number): bigint {
  const finest = Math.max(resultDecimals, ...amounts.map((amount) => amount.decimals))
  const total = amounts.reduce(
    (sum, amount) => sum + rescale(amount.units, amount.decimals, finest, 'up'),
    0n,
  )
  return rescale(total, finest, resultDecimals, 'up')
}
