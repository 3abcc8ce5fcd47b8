/**
 * How the demo shows figures: exact decimals (integers formatted at their decimals, never through a float),
 * a ratio in percent rounded down, gas with thousands separators, and the closing table.
 */
import { formatUnits } from '#common/decimal'
import { ratioPercent as collateralRatio } from '#devkit/reserve-figures'
import { amountJson, showGas } from '../upkeeps/format'

export { showGas }

/** An amount as the summary's JSON carries it: the integer, its decimals, its symbol and the decimal text. */
export type AmountJson = ReturnType<typeof amountJson>

export const amount = (units: bigint, decimals: number, symbol: string): AmountJson =>
  amountJson({ units, decimals, symbol })

/** `84.99996 BTC` */
export const show = (units: bigint, decimals: number, symbol: string): string =>
  `${formatUnits(units, decimals)} ${symbol}`

/**
 * Reserves ÷ supply in percent, rounded down to two decimals (`94.44`), both at the same decimals; undefined
 * without supply.
 */
export const ratioPercent = (reserves: bigint, supply: bigint): string | undefined =>
  collateralRatio({ reserves, reserveDecimals: 0, supply, supplyDecimals: 0 })

/** Seconds with one decimal from milliseconds (`12.3`), for progress lines. */
export const seconds = (ms: number): string => formatUnits(BigInt(Math.round(ms / 100)), 1)

/** A plain-text table: a header row, a rule, then the rows; columns padded to their widest cell. */
export function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
}

/** `1 block later`, `2 blocks later`. */
export const blocksLater = (blocks: number): string => `${blocks} block${blocks === 1 ? '' : 's'} later`
