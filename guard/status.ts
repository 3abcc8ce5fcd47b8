/**
 * `status`: a guard and each of its assets, read at one block (every figure from the same state): the check's
 * verdict, reserves and supply in units and as a ratio, exact and rounded down (`100 BTC for 90 sBTC,
 * 111.11 %`); what is paused and by whom (the target's pause state, the guard's holds, a SecureMintToken's
 * `operationPausedBy`); the backoff of failed pauses; the changes scheduled on the guard and the token, with
 * their windows; each feed's age against its heartbeat; the gas a perform needs for the asset; and who holds
 * the guard's roles (from its events).
 */
import type { JsonRpcProvider } from 'ethers'
import {
  eacAggregatorProxyAt,
  secureMintTokenAt,
  type ReserveGuard,
  type SecureMintToken,
} from '#chain/contracts'
import {
  Operation,
  PauseMode,
  Reason,
  Role,
  SupplyKind,
  Verdict,
  enumName,
  toAssetConfig,
  toPendingChange,
  toResult,
  type AssetConfig,
} from '#chain/types'
import { revertData, type CommandResult } from '#devkit/chain-cli'
import {
  configJson,
  describeConfig,
  followsToken,
  readTokenRules,
  backedWhen,
  requiredRatio,
  showTokenRules,
} from './asset-config'
import { roleName, scheduledChange, showSchedule } from './contracts'
import {
  reserveRatio,
  RATIO_DECIMALS,
  showDelay,
  showDuration,
  showNumber,
  showTime,
  showTimeFrom,
  showUnits,
} from './format'
import { detectTarget, operationFlags, operationNames, pausedState, type TargetKind } from './pause-mode'
import { decodeRevert } from './session'

/** A feed's latest answer against the heartbeat the asset gives it. */
export interface FeedAge {
  feed: string
  description?: string
  updatedAt?: bigint
  ageSeconds?: bigint
  heartbeat: number
  stale?: boolean
  /** why it could not be read */
  error?: string
}

export async function feedAge(
  provider: JsonRpcProvider,
  feed: string,
  heartbeat: number,
  now: bigint,
  blockTag: number,
): Promise<FeedAge> {
  const proxy = eacAggregatorProxyAt(feed, provider)
  const description = await proxy.description({ blockTag }).catch(() => undefined)
  try {
    const round = await proxy.latestRoundData({ blockTag })
    const age = now - round.updatedAt
    return {
      feed,
      description,
      updatedAt: round.updatedAt,
      ageSeconds: age,
      heartbeat,
      stale: age > BigInt(heartbeat),
    }
  } catch (error) {
    return { feed, description, heartbeat, error: decodeRevert(revertData(error)) ?? 'it reverts' }
  }
}

export function feedLine(label: string, age: FeedAge, now: bigint): string {
  const named = age.description ? ` "${age.description}"` : ''
  if (age.updatedAt === undefined)
    return `${label} ${age.feed}${named}: latestRoundData() fails (${age.error})`
  if (age.updatedAt === 0n) return `${label} ${age.feed}${named}: no answer yet (updatedAt 0)`
  const heartbeat = `heartbeat ${showDuration(age.heartbeat)}`
  const updated = `updated ${showTimeFrom(age.updatedAt, now)}`
  if (age.stale) {
    return `${label} ${age.feed}${named}: ${updated}, ${heartbeat}: STALE by ${showDuration(age.ageSeconds! - BigInt(age.heartbeat))}`
  }
  return `${label} ${age.feed}${named}: ${updated}, ${heartbeat}: fresh for ${showDuration(BigInt(age.heartbeat) - age.ageSeconds!)}`
}

/** What a reserve feed's figures are in: the first word of its description (`WBTC PoR` → `WBTC`), or `units`. */
export function unitOf(description: string | undefined): string {
  return description?.trim().split(/\s+/)[0] || 'units'
}

/** Who paused each operation of a token that says (`operationPausedBy`), the guard named as such. */
async function operationPausers(
  token: SecureMintToken,
  paused: bigint,
  guard: string,
  blockTag: number,
): Promise<Record<string, string>> {
  const pausers: Record<string, string> = {}
  for (const { name, flag } of operationFlags(paused)) {
    const account = await token.operationPausedBy(flag, { blockTag })
    pausers[name] = account.toLowerCase() === guard.toLowerCase() ? 'the guard' : account
  }
  return pausers
}

export interface StatusOptions {
  /** only this asset */
  target?: string
  /** where the guard's role events are read from */
  fromBlock: number
  /** the unit of the reserves, instead of the first word of the feed's description */
  reserveUnit?: string
}

/** Reads the guard's status at the latest block and puts it in words and data. */
export async function guardStatus(
  provider: JsonRpcProvider,
  guard: ReserveGuard,
  options: StatusOptions,
  where: string,
): Promise<CommandResult> {
  const block = (await provider.getBlock('latest'))!
  const blockTag = block.number
  const now = BigInt(block.timestamp)
  const guardAddress = await guard.getAddress()
  const at = { blockTag }
  const [admin, delay, pendingAdmin, pendingDelay, count] = await Promise.all([
    guard.defaultAdmin(at),
    guard.defaultAdminDelay(at),
    guard.pendingDefaultAdmin(at),
    guard.pendingDefaultAdminDelay(at),
    guard.assetCount(at),
  ])
  const lines = [
    `Guard ${guardAddress} (${where}) at block ${block.number}, ${showTime(now)}: admin ${admin}, admin delay ${showDelay(delay)}; ${count} asset(s).`,
  ]
  const data: Record<string, unknown> = {
    command: 'status',
    guard: guardAddress,
    block: block.number,
    timestamp: Number(now),
    admin,
    adminDelay: Number(delay),
    ratioRounding: `down, to ${RATIO_DECIMALS} decimals of a percent`,
  }
  if (pendingAdmin.schedule !== 0n) {
    lines.push(
      `  admin transfer to ${pendingAdmin.newAdmin}: acceptable from ${showTimeFrom(pendingAdmin.schedule, now)}`,
    )
  }
  if (pendingDelay.schedule !== 0n) {
    lines.push(
      `  admin delay change to ${showDelay(pendingDelay.newDelay)} from ${showTimeFrom(pendingDelay.schedule, now)}`,
    )
  }
  data.pendingAdmin =
    pendingAdmin.schedule === 0n
      ? null
      : { account: pendingAdmin.newAdmin, from: Number(pendingAdmin.schedule) }
  lines.push(`Ratios are reserves ÷ supply, exact, rounded down to 0.01 %.`)

  const targets: string[] = []
  for (let i = 0n; i < count; i++) targets.push((await guard.assetAt(i, at)).target)
  if (options.target && !targets.some((t) => t.toLowerCase() === options.target!.toLowerCase())) {
    lines.push(`No asset ${options.target} on this guard.`)
  }
  const assets = []
  for (const target of targets.filter(
    (t) => !options.target || t.toLowerCase() === options.target.toLowerCase(),
  )) {
    const asset = await assetStatus(provider, guard, target, now, blockTag, options.reserveUnit)
    assets.push(asset.data)
    lines.push(...asset.lines)
  }
  data.assets = assets
  const roles = await roleHolders(guard, options.fromBlock, blockTag)
  data.roles = roles.holders
  lines.push(...roles.lines)
  return { lines, data }
}

async function assetStatus(
  provider: JsonRpcProvider,
  guard: ReserveGuard,
  target: string,
  now: bigint,
  blockTag: number,
  reserveUnitOption: string | undefined,
): Promise<{ lines: string[]; data: Record<string, unknown> }> {
  const at = { blockTag }
  const guardAddress = await guard.getAddress()
  const config: AssetConfig = toAssetConfig(await guard.assetConfig(target, at))
  const result = toResult(await guard.assetStatus(target, at))
  const kind: TargetKind | undefined = await detectTarget(provider, target, blockTag).catch(() => undefined)
  const decimals = await guard.assetDecimals(target, at).catch(() => undefined)
  const token = secureMintTokenAt(target, provider)
  // An ACE PausePolicy's asset is its token (the supply source): the symbol is the token's.
  const ace = config.pauseMode === PauseMode.AcePausePolicy
  const symbol = await (ace ? secureMintTokenAt(config.supplySource, provider) : token)
    .symbol(at)
    .catch(() => undefined)
  const reserveFeed = await feedAge(provider, config.reserveFeed, config.heartbeat, now, blockTag)
  const supplyFeed =
    config.supplyKind === SupplyKind.SupplyFeed
      ? await feedAge(provider, config.supplySource, config.supplyHeartbeat, now, blockTag)
      : undefined
  const reserveUnit = reserveUnitOption ?? unitOf(reserveFeed.description)
  const supplyUnit = symbol ?? (supplyFeed ? unitOf(supplyFeed.description) : 'units')
  const verdict = enumName(Verdict, result.verdict)
  const reason = enumName(Reason, result.reason)
  const lines: string[] = []
  const what = [symbol, kind?.kind ?? 'pause interface unreadable now'].filter(Boolean).join(', ')
  lines.push(`asset ${target} (${what}):`)

  // The verdict, the figures and the ratio.
  const verdictWords = { Backed: 'backed', Short: 'SHORT', Skipped: 'skipped (stale data, policy Skip)' }[
    verdict
  ]
  const because = reason === 'None' ? '' : ` (${reason})`
  let figures = `reserves ${result.reserves}, supply ${result.supply} (decimals unreadable)`
  let ratio: string | undefined
  if (result.reason === Reason.ReserveFeedFailed) figures = 'the reserve feed cannot be read'
  else if (result.reason === Reason.SupplyFailed) figures = 'the supply cannot be read'
  else if (decimals) {
    const [reserveDecimals, supplyDecimals] = decimals.map(Number)
    ratio = reserveRatio(result.reserves, reserveDecimals, result.supply, supplyDecimals)
    figures =
      `${showUnits(result.reserves, reserveDecimals, reserveUnit)} for ${showUnits(result.supply, supplyDecimals, supplyUnit)}` +
      (ratio ? `, ${ratio} %` : result.supply === 0n ? ', no supply to back' : '')
  }
  lines.push(`  ${verdictWords}${because}: ${figures} (${backedWhen(config)})`)
  lines.push(`  ${feedLine('reserve feed', reserveFeed, now)}`)
  if (supplyFeed) lines.push(`  ${feedLine('supply feed', supplyFeed, now)}`)

  // What is paused, and by whom.
  const [upkeepHold, guardianHold, pausedByGuard] = await guard.pauseHolds(target, at)
  const paused = await guard.isAssetPaused(target, at)
  const state = await pausedState(provider, target, config.pauseMode, blockTag).catch(() => undefined)
  const pausers =
    kind?.kind === 'SecureMintToken' && state
      ? await operationPausers(token, state, guardAddress, blockTag)
      : {}
  const holds = [
    upkeepHold ? 'the upkeep (a shortfall: an unpauser lifts it once backed, unpause)' : '',
    guardianHold ? 'a guardian (only a guardian lifts it, lift)' : '',
  ].filter(Boolean)
  const operations = config.pauseMode === PauseMode.Operations
  const onShortfall = operations
    ? `on a shortfall the guard pauses ${operationNames(config.operations).join(', ')}`
    : ace
      ? `on a shortfall the guard pauses ${config.supplySource}'s mint through this PausePolicy`
      : 'on a shortfall the guard pauses it whole'
  let pauseLine: string
  if (state === undefined) pauseLine = `the target does not answer its pause state now (${onShortfall})`
  else if (operations) {
    const names = operationNames(state)
    const open = operationNames(Operation.All & ~state)
    const by = names.map((n) => (pausers[n] ? `${n} (by ${pausers[n]})` : n))
    pauseLine =
      names.length === 0
        ? 'nothing paused'
        : `${by.join(', ')} paused${open.length ? `; ${open.join(', ')} open` : ''}`
  } else if (ace) pauseLine = state === 1n ? "the token's mint paused (s_paused)" : 'not paused'
  else pauseLine = state === 1n ? 'paused' : 'not paused'
  lines.push(
    `  pause: ${paused ? 'in force' : 'not in force'}: ${pauseLine}${paused ? '' : ` (${onShortfall})`}`,
  )
  if (pausedByGuard !== 0n) {
    const switched = operations ? operationNames(pausedByGuard).join(', ') : 'the pause'
    lines.push(
      `  held by: ${holds.join('; ') || 'nobody'}; the guard switched on ${switched} and lifts only that`,
    )
  } else if (holds.length > 0) lines.push(`  held by: ${holds.join('; ')}`)

  // Failed pauses.
  const [failures, retryAfter] = await guard.pauseBackoff(target, at)
  if (failures > 0n) {
    lines.push(
      `  backoff: ${failures} failed pause(s) in a row; the upkeep tries again ${retryAfter > now ? `from ${showTimeFrom(retryAfter, now)}` : 'now'} (a guardian clears it: clear-backoff)`,
    )
  }

  // Changes scheduled.
  const change = await scheduledChange(guard, target, now, blockTag)
  if (change) lines.push(`  scheduled ${change.kind}: ${showSchedule(change, now)}`)
  let tokenPending: Record<string, unknown> | undefined
  if (kind?.kind === 'SecureMintToken') {
    const rules = await readTokenRules(token, blockTag)
    const pendingConfig = toPendingChange(await token.pendingReserveConfig(at))
    if (pendingConfig.readyAt !== 0n) {
      lines.push(`  the token's scheduled reserve config: ${showSchedule(pendingConfig, now)}`)
      tokenPending = { readyAt: Number(pendingConfig.readyAt), expiresAt: Number(pendingConfig.expiresAt) }
    }
    const pendingAdmin = await token.pendingDefaultAdmin(at)
    if (pendingAdmin.schedule !== 0n) {
      lines.push(
        `  the token's admin transfer to ${pendingAdmin.newAdmin}: acceptable from ${showTimeFrom(pendingAdmin.schedule, now)}`,
      )
    }
    if (!followsToken(config, rules)) {
      lines.push(
        `  the token's rules differ from the asset's (${showTokenRules(rules)}): ` +
          `the guard refuses to unpause until the asset follows (schedule-update)`,
      )
    }
  }

  const performGas = await guard.performGasNeeded(target, at)
  // The reserve feed is shown above, with its age.
  lines.push(
    `  rules: ${describeConfig(config).slice(1).join('; ')}; a perform needs ${showNumber(performGas)} gas for it`,
  )

  return {
    lines,
    data: {
      target,
      symbol,
      kind: kind?.kind,
      config: configJson(config),
      verdict,
      reason,
      reserves: result.reserves.toString(),
      supply: result.supply.toString(),
      reserveDecimals: decimals ? Number(decimals[0]) : undefined,
      supplyDecimals: decimals ? Number(decimals[1]) : undefined,
      reserveUnit,
      supplyUnit,
      ratioPercent: ratio,
      backedFromPercent: requiredRatio(config),
      paused,
      pausedState: state === undefined ? undefined : Number(state),
      pausedBy: pausers,
      holds: { upkeep: upkeepHold, guardian: guardianHold, pausedByGuard: Number(pausedByGuard) },
      backoff: { failures: Number(failures), retryAfter: Number(retryAfter) },
      scheduledChange: change
        ? {
            kind: change.kind,
            state: change.state,
            readyAt: Number(change.readyAt),
            expiresAt: Number(change.expiresAt),
          }
        : null,
      tokenScheduledReserveConfig: tokenPending ?? null,
      reserveFeed: feedJson(reserveFeed),
      supplyFeed: supplyFeed ? feedJson(supplyFeed) : undefined,
      performGasNeeded: performGas.toString(),
    },
  }
}

function feedJson(age: FeedAge): Record<string, unknown> {
  return {
    address: age.feed,
    description: age.description,
    updatedAt: age.updatedAt === undefined ? undefined : Number(age.updatedAt),
    ageSeconds: age.ageSeconds === undefined ? undefined : Number(age.ageSeconds),
    heartbeat: age.heartbeat,
    stale: age.stale,
    error: age.error,
  }
}

/** Who holds each of the guard's roles, from its RoleGranted and RoleRevoked events since `fromBlock`. */
async function roleHolders(
  guard: ReserveGuard,
  fromBlock: number,
  toBlock: number,
): Promise<{ lines: string[]; holders: Record<string, string[]> | null }> {
  let events
  try {
    events = [
      ...(await guard.queryFilter(guard.filters.RoleGranted(), fromBlock, toBlock)),
      ...(await guard.queryFilter(guard.filters.RoleRevoked(), fromBlock, toBlock)),
    ]
  } catch (error) {
    return {
      lines: [
        `Roles: not listed: the RPC refused the guard's role events from block ${fromBlock} ` +
          `(${(error as Error).message.split('\n')[0]}); pass --from-block <the guard's deployment block>`,
      ],
      holders: null,
    }
  }
  events.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)
  const holders: Record<string, Set<string>> = {}
  for (const event of events) {
    const name = roleName(event.args.role)
    holders[name] ??= new Set()
    if (event.eventName === 'RoleGranted') holders[name].add(event.args.account)
    else holders[name].delete(event.args.account)
  }
  const order = [Role.DEFAULT_ADMIN, Role.FORWARDER, Role.GUARDIAN, Role.UNPAUSER, Role.RECEIVER_ADMIN].map(
    roleName,
  )
  const listed = Object.fromEntries(order.map((name) => [name, [...(holders[name] ?? [])]]))
  return {
    lines: [
      `Roles (from the guard's events since block ${fromBlock}):`,
      ...order.map((name) => `  ${name}: ${listed[name].length ? listed[name].join(', ') : 'nobody'}`),
    ],
    holders: listed,
  }
}
