/**
 * The fresh-head rule every chain read follows (an EVM network's head, a bitcoin tip): the block
 * a reading is taken at must be recent by the clock, and not far behind the newest block the
 * chain's other providers have. A provider whose head fails either is passed over for the next
 * one, as one that does not answer; the rule itself is pure.
 */

/** How fresh a chain's head must be to be read at. */
export interface FreshnessLimits {
  /** Oldest head accepted: its block timestamp against the clock, in seconds; 0 means no limit. */
  maxHeadAgeSeconds: number
  /** Blocks one provider's head may trail the highest head among the chain's providers. */
  maxLagBlocks: number
}

/** A chain's freshness limits, with the names of the settings they come from (for errors). */
export interface HeadFreshness extends FreshnessLimits {
  maxHeadAgeSetting: string
  maxLagSetting: string
}

/** A provider's newest block: its height and its timestamp (seconds since the epoch). */
export interface HeadBlock {
  number: bigint
  timestamp: number
}

/**
 * Why `head` is too old by the clock (`now`, in ms) for `rule`, or undefined. `noun` is what the
 * chain calls its newest block (`head`, `tip`).
 */
export function headTooOld(
  head: HeadBlock,
  rule: HeadFreshness,
  noun: string,
  now = Date.now(),
): string | undefined {
  const age = Math.floor(now / 1000) - head.timestamp
  if (rule.maxHeadAgeSeconds === 0 || age <= rule.maxHeadAgeSeconds) return undefined
  const made = new Date(head.timestamp * 1000).toISOString()
  return `its ${noun}, block ${head.number} of ${made}, is ${age} s old, more than ${rule.maxHeadAgeSetting} (${rule.maxHeadAgeSeconds})`
}

/**
 * Why `head` is too far behind the highest of `others` (the heads the chain's other providers
 * gave) for `rule`, or undefined.
 */
export function headTooFarBehind(
  head: HeadBlock,
  others: bigint[],
  rule: HeadFreshness,
  noun: string,
): string | undefined {
  const highest = others.reduce((max, number) => (number > max ? number : max), head.number)
  const lag = highest - head.number
  if (lag <= BigInt(rule.maxLagBlocks)) return undefined
  return `its ${noun}, block ${head.number}, is ${lag} blocks behind another URL's (${highest}), more than ${rule.maxLagSetting} (${rule.maxLagBlocks})`
}
