/**
 * The guard's assets at one block, from the guard's own views: its registry (`assetCount`, `assetAt`), its check
 * (`assetStatus`, whose reserves and supply are the figures shown), the decimals the check reads
 * (`assetDecimals`), whether it is paused (`isAssetPaused`) and who holds the pause (`pauseHolds`); and the
 * feeds' age against their heartbeats, from the feeds themselves at the same block.
 */
import { Contract, isError, type BlockTag, type JsonRpcProvider } from 'ethers'
import type { ReserveGuard } from '#chain/contracts'
import { aggregatorV3Interface, erc20Interface } from '#chain/abi'
import {
  MarginMode,
  Operation,
  PauseMode,
  Reason,
  StalePolicy,
  SupplyKind,
  enumName,
  toAssetConfig,
  toResult,
  type AssetConfig,
  type CheckResult,
} from '#chain/types'
import { formatUnits } from '#common/decimal'
import {
  marginOf,
  marginText,
  ratioPercent,
  requirement,
  verdictWord,
  type Backing,
} from '#devkit/reserve-figures'
import type { Links } from '../links'
import type { Amount, AssetView, Freshness } from '../snapshot'

/** An asset as the guard holds it, at one block. */
export interface GuardAsset {
  target: string
  config: AssetConfig
  status: CheckResult
  paused: boolean
  holds: { upkeep: boolean; guardian: boolean }
  /** the precisions the check reads; undefined when one cannot be read (the check then finds no reading) */
  decimals?: { reserve: number; supply: number }
}

export const amount = (units: bigint, decimals: number): Amount => ({
  units: units.toString(),
  decimals,
  text: formatUnits(units, decimals),
})

/** Every asset of the guard at `blockTag`. */
export async function readGuardAssets(guard: ReserveGuard, blockTag: BlockTag): Promise<GuardAsset[]> {
  const at = { blockTag }
  const count = Number(await guard.assetCount(at))
  const assets: GuardAsset[] = []
  for (let i = 0; i < count; i++) {
    const [target, raw] = await guard.assetAt(i, at)
    const [status, paused, holds, decimals] = await Promise.all([
      guard.assetStatus(target, at).then(toResult),
      guard.isAssetPaused(target, at),
      guard.pauseHolds(target, at),
      guard.assetDecimals(target, at).then(
        ([reserve, supply]) => ({ reserve: Number(reserve), supply: Number(supply) }),
        (error: unknown) => {
          if (!refused(error)) throw error
          return undefined // DecimalsUnreadable: the check finds no reading either
        },
      ),
    ])
    assets.push({
      target,
      config: toAssetConfig(raw),
      status,
      paused,
      holds: { upkeep: holds[0], guardian: holds[1] },
      decimals,
    })
  }
  return assets
}

/** A feed's latest round at `blockTag`, as `AggregatorV3Interface` answers it. */
export interface FeedRound {
  roundId: bigint
  answer: bigint
  updatedAt: bigint
}

export async function readFeedRound(
  provider: JsonRpcProvider,
  feed: string,
  blockTag: BlockTag,
): Promise<FeedRound | undefined> {
  const contract = new Contract(feed, aggregatorV3Interface, provider)
  try {
    const [roundId, answer, , updatedAt] = (await contract.latestRoundData({ blockTag })) as bigint[]
    return { roundId, answer, updatedAt }
  } catch (error) {
    if (refused(error)) return undefined // no round yet ("No data present"), or not a feed
    throw error
  }
}

/** The call reverted or returned nothing a view returns (not a contract): the contract's answer, not the RPC's fault. */
export const refused = (error: unknown): boolean =>
  isError(error, 'CALL_EXCEPTION') || isError(error, 'BAD_DATA')

/** A contract's `decimals()` at `blockTag`, or undefined. */
export async function readDecimals(
  provider: JsonRpcProvider,
  source: string,
  blockTag: BlockTag,
): Promise<number | undefined> {
  try {
    return Number(await new Contract(source, erc20Interface, provider).decimals({ blockTag }))
  } catch (error) {
    if (refused(error)) return undefined
    throw error
  }
}

/** A string view of a contract (`description()`, `name()`, `symbol()`), or undefined if it has none. */
async function text(provider: JsonRpcProvider, address: string, call: 'description' | 'name' | 'symbol') {
  const iface = call === 'description' ? aggregatorV3Interface : erc20Interface
  try {
    return String(await new Contract(address, iface, provider).getFunction(call)())
  } catch {
    return undefined
  }
}

/** A feed's age at the block (`blockTime`) against its heartbeat: the guard's rule 7. */
export async function freshness(
  provider: JsonRpcProvider,
  feed: string,
  heartbeat: number,
  blockTag: number,
  blockTime: number,
  links: Links,
): Promise<Freshness> {
  const [round, description] = await Promise.all([
    readFeedRound(provider, feed, blockTag),
    text(provider, feed, 'description'),
  ])
  const updatedAt = Number(round?.updatedAt ?? 0n)
  const ageSeconds = blockTime - updatedAt
  return {
    feed,
    feedUrl: links.address(feed),
    description,
    updatedAt,
    ageSeconds,
    heartbeatSeconds: heartbeat,
    // No answer, a time in the future (the check's rule 3) or older than the heartbeat (rule 7).
    stale: updatedAt === 0 || updatedAt > blockTime || ageSeconds > heartbeat,
  }
}

/** The operations a mask pauses, by name. */
export function operationNames(mask: bigint): string[] {
  return (['Mint', 'Redeem', 'Burn'] as const)
    .filter((name) => (mask & Operation[name]) !== 0n)
    .map((n) => n.toLowerCase())
}

/** What each of ACE's margin modes lets the supply be, against the reserves. */
const MARGIN_MEANING: Record<keyof typeof MarginMode, string> = {
  None: 'the supply may be as large as the reserves, no larger',
  PositivePercentage: 'that share of the reserves is kept over the supply',
  PositiveAbsolute: 'that amount of the reserves is kept over the supply',
  NegativePercentage: 'the supply may exceed the reserves by that share of them',
  NegativeAbsolute: 'the supply may exceed the reserves by that amount',
}

const seconds = (n: number) => `${n.toLocaleString('en-US')} s`

/** The reserves the margin requires for this supply, and how far the reserves are over or under it, in words. */
function requirementText(view: Omit<AssetView, 'explanation' | 'history'>): string {
  const { required, headroom: over } = view
  if (required === undefined || over === undefined) return 'No reserves back a supply under it.'
  if (view.ratioPercent === undefined) return 'With no supply, any reserve backs it.'
  const units = BigInt(over.units)
  return (
    `For this supply the guard requires reserves of at least ${required.text}; they are ${view.ratioPercent} % ` +
    `of the supply, ${units >= 0n ? over.text : formatUnits(-units, over.decimals)} ` +
    `${units >= 0n ? 'more' : 'less'} than required.`
  )
}

/** What the figures mean, in plain words. */
function explain(view: Omit<AssetView, 'explanation' | 'history'>, unit: string): string[] {
  const lines: string[] = []
  const feed = view.reserveFeed
  lines.push(
    `Reserves are what the proof-of-reserve feed${feed.description ? ` "${feed.description}"` : ''} reports: ` +
      `${view.reserves.text}. Supply is ${view.supplyKind === 'TokenTotalSupply' ? "the token's total supply" : 'what the supply feed reports'}: ` +
      `${view.supply.text}${unit}.`,
  )
  lines.push(
    `The margin is ${view.margin.text}: ${MARGIN_MEANING[view.margin.mode as keyof typeof MarginMode]}. ${requirementText(view)}`,
  )
  const paused = view.pauseMode === 'Pausable' ? 'the whole contract' : view.operations.join(' and ')
  if (view.verdict === 'backed') {
    lines.push(
      `Backed: the guard's own check finds the reserves cover the supply and margin, on a reading younger than ` +
        `the feed's heartbeat (${seconds(feed.heartbeatSeconds)}).`,
    )
  } else if (view.verdict === 'short') {
    lines.push(
      `Short: the reserves do not cover the supply and margin. The guard pauses ${paused}; the token refuses ` +
        'every mint until the reserves cover it, and a person holding the unpauser role lifts the pause then.',
    )
  } else {
    lines.push(
      `Stale: the guard has no fresh reading (${view.reason}): the feed has not updated within its heartbeat of ` +
        `${seconds(feed.heartbeatSeconds)}, or cannot be read. ` +
        (view.stalePolicy === 'FailClosed'
          ? `The asset is fail-closed: the guard counts this as short and pauses ${paused}.`
          : 'The asset skips stale data: the guard takes no decision (it neither pauses nor unpauses), and nothing is minted.'),
    )
  }
  if (view.paused && view.pauseMode === 'Pausable') lines.push('Paused now: the whole contract is paused.')
  else if (view.paused) {
    lines.push(
      `Paused now: ${paused} ${view.operations.length === 1 ? 'is' : 'are'} refused; transfers go on` +
        (view.operations.includes('burn') ? '.' : ', and burning stays open (it only improves the backing).'),
    )
  }
  return lines
}

/** An asset as the page shows it (its history apart). */
export async function assetView(
  provider: JsonRpcProvider,
  asset: GuardAsset,
  blockTag: number,
  blockTime: number,
  links: Links,
): Promise<Omit<AssetView, 'history'>> {
  const { config, status, target } = asset
  const supplyFeed = config.supplyKind === SupplyKind.SupplyFeed
  const [reserveFeed, supplyFreshness, name, symbol] = await Promise.all([
    freshness(provider, config.reserveFeed, config.heartbeat, blockTag, blockTime, links),
    supplyFeed
      ? freshness(provider, config.supplySource, config.supplyHeartbeat, blockTag, blockTime, links)
      : undefined,
    text(provider, target, 'name'),
    text(provider, target, 'symbol'),
  ])
  const decimals = asset.decimals ?? {
    reserve: (await readDecimals(provider, config.reserveFeed, blockTag)) ?? 0,
    supply: (await readDecimals(provider, config.supplySource, blockTag)) ?? 0,
  }
  const backing: Backing = {
    reserves: status.reserves,
    reserveDecimals: decimals.reserve,
    supply: status.supply,
    supplyDecimals: decimals.supply,
  }
  const margin = marginOf(config)
  const needs = requirement(backing, margin)
  const optional = (units: bigint | undefined) =>
    units === undefined ? undefined : amount(units, needs.decimals)
  const view: Omit<AssetView, 'explanation' | 'history'> = {
    target,
    targetUrl: links.address(target),
    name,
    symbol,
    reserveFeed,
    supplyFeed: supplyFreshness,
    supplyKind: supplyFeed ? 'SupplyFeed' : 'TokenTotalSupply',
    supplySource: config.supplySource,
    stalePolicy: config.stalePolicy === StalePolicy.FailClosed ? 'FailClosed' : 'Skip',
    margin: {
      mode: enumName(MarginMode, margin.marginMode),
      amount: margin.marginAmount.toString(),
      text: marginText(margin, decimals.supply, symbol ? ` ${symbol}` : ''),
    },
    verdict: verdictWord(status.verdict, status.reason),
    reason: enumName(Reason, status.reason),
    reserves: amount(status.reserves, decimals.reserve),
    supply: amount(status.supply, decimals.supply),
    ratioPercent: ratioPercent(backing),
    required: optional(needs.required),
    headroom: optional(needs.headroom),
    paused: asset.paused,
    pauseMode: config.pauseMode === PauseMode.Pausable ? 'Pausable' : 'Operations',
    operations: operationNames(config.operations),
    holds: asset.holds,
  }
  return { ...view, explanation: explain(view, symbol ? ` ${symbol}` : '') }
}
