/**
 * The guard and the token as the commands see them: opened and checked to be what they are, their roles by
 * name, who holds the power a command needs, and the changes scheduled on them (the configuration a pending
 * change names is in the event that scheduled it: only its hash is stored).
 */
import { AbiCoder, id, keccak256, type BlockTag, type Provider } from 'ethers'
import { reserveGuardAt, secureMintTokenAt, type ReserveGuard, type SecureMintToken } from '#chain/contracts'
import { Role, toAssetConfig, toPendingChange, type AssetConfig, type PendingChange } from '#chain/types'
import { CliError } from '#devkit/cli'
import { showDelay, showTime, showTimeFrom } from './format'
import { detectTarget } from './pause-mode'

/** The roles each contract has, by the names the commands take (`--role GUARDIAN`). */
export const ROLES = {
  guard: ['FORWARDER', 'GUARDIAN', 'UNPAUSER', 'RECEIVER_ADMIN'],
  token: ['MINTER', 'PAUSER'],
} as const

export type RoleName = keyof typeof Role

/** A role's name from its hash (`GUARDIAN_ROLE`), or the hash. */
export function roleName(hash: string): string {
  const name = (Object.keys(Role) as RoleName[]).find((key) => Role[key] === hash)
  return name ? `${name}_ROLE` : hash
}

/** The guard at `address`, checked to be a ReserveGuard (it answers `MIN_PAUSE_GAS()`). */
export async function openGuard(provider: Provider, address: string): Promise<ReserveGuard> {
  if ((await provider.getCode(address)) === '0x') {
    throw new CliError(`the guard ${address} is not a contract on this chain`, 'usage')
  }
  const guard = reserveGuardAt(address, provider)
  try {
    await guard.MIN_PAUSE_GAS()
    await guard.defaultAdminDelay()
  } catch {
    throw new CliError(`${address} is not a ReserveGuard: it does not answer MIN_PAUSE_GAS()`, 'usage')
  }
  return guard
}

/** The token at `address`, checked to be a SecureMintToken (it declares ISecureMintToken through ERC-165). */
export async function openToken(provider: Provider, address: string): Promise<SecureMintToken> {
  const kind = await detectTarget(provider, address).catch(() => undefined)
  if (kind?.kind !== 'SecureMintToken') {
    throw new CliError(`${address} is not a SecureMintToken: it does not declare ISecureMintToken`, 'usage')
  }
  return secureMintTokenAt(address, provider)
}

/** Anything with OpenZeppelin's AccessControlDefaultAdminRules: the guard, the token. */
type AdminRules = Pick<ReserveGuard, 'hasRole' | 'defaultAdmin' | 'getAddress'>

/**
 * Refuses unless `account` holds `role` on `contract` (`what`: the contract in words), saying who does when it
 * is the admin role.
 */
export async function requireRole(
  contract: AdminRules,
  role: RoleName,
  account: string,
  what: string,
  action: string,
): Promise<void> {
  if (await contract.hasRole(Role[role], account)) return
  const admin = role === 'DEFAULT_ADMIN' ? ` (the admin is ${await contract.defaultAdmin()})` : ''
  throw new CliError(
    `${account} does not hold ${roleName(Role[role])} on ${what} ${await contract.getAddress()}${admin}, so it ` +
      `cannot ${action}: use that role's key (GUARD_PRIVATE_KEY), or --from <its address> for a dry run`,
    'refused',
  )
}

/** The `change` of a scheduled removal: `keccak256("ReserveGuard.removeAsset")` (AssetRegistry's REMOVAL). */
export const REMOVAL_CHANGE = id('ReserveGuard.removeAsset')

/** The hash a scheduled update of `config` is stored under: `keccak256(abi.encode(config))`. */
export function configHash(guard: ReserveGuard, config: AssetConfig): string {
  const tuple = guard.interface.getFunction('addAsset').inputs[1]
  return keccak256(AbiCoder.defaultAbiCoder().encode([tuple], [config]))
}

/** What is scheduled for an asset, and whether it can be applied at `now`. */
export interface ScheduledChange extends PendingChange {
  kind: 'update' | 'removal'
  state: 'waiting' | 'ready' | 'expired'
}

/** A scheduled change's state at `now`, as `DelayedChange.status` decides it. */
export function changeState(pending: PendingChange, now: bigint): ScheduledChange['state'] {
  return now < pending.readyAt ? 'waiting' : now > pending.expiresAt ? 'expired' : 'ready'
}

/** The change scheduled for an asset, or undefined. */
export async function scheduledChange(
  guard: ReserveGuard,
  target: string,
  now: bigint,
  blockTag?: BlockTag,
): Promise<ScheduledChange | undefined> {
  const pending = toPendingChange(await guard.pendingAssetChange(target, { blockTag }))
  if (pending.readyAt === 0n) return undefined
  return {
    ...pending,
    kind: pending.change === REMOVAL_CHANGE ? 'removal' : 'update',
    state: changeState(pending, now),
  }
}

/**
 * The events that scheduled a delayed change (`what`: `the guard's AssetUpdateScheduled`), from `fromBlock`: only
 * its hash is stored, the values are in the event. An RPC that refuses the range (a public one may refuse a long
 * one) is a {@link CliError} that says which option to change.
 */
export async function scheduleEvents<Event>(
  query: () => Promise<Event[]>,
  what: string,
  fromBlock: number,
): Promise<Event[]> {
  try {
    return await query()
  } catch (error) {
    throw new CliError(
      `could not read ${what} events from block ${fromBlock} (the RPC said: ` +
        `${(error as Error).message.split('\n')[0]}): pass a later --from-block, before the change was scheduled`,
      'failed',
    )
  }
}

/**
 * The configuration of the update scheduled under `change`: the latest `AssetUpdateScheduled` of the asset
 * whose configuration hashes to it, searched from `fromBlock`.
 */
export async function scheduledConfig(
  guard: ReserveGuard,
  target: string,
  change: string,
  fromBlock: number,
  toBlock?: number,
): Promise<AssetConfig> {
  const events = await scheduleEvents(
    () => guard.queryFilter(guard.filters.AssetUpdateScheduled(target), fromBlock, toBlock),
    "the guard's AssetUpdateScheduled",
    fromBlock,
  )
  for (const event of events.reverse()) {
    const config = toAssetConfig(event.args.config)
    if (configHash(guard, config) === change) return config
  }
  throw new CliError(
    `no AssetUpdateScheduled event from block ${fromBlock} names the update scheduled for ${target} ` +
      `(hash ${change}): pass an earlier --from-block`,
    'failed',
  )
}

/**
 * Refuses unless a scheduled change (`what`: `the update of 0x…`) can be applied at `now`: none scheduled is
 * refused, one waiting its delay is not yet (exit 3), one past its 14 days is refused.
 */
export function requireApplicable(pending: PendingChange | undefined, now: bigint, what: string): void {
  if (!pending || pending.readyAt === 0n) throw new CliError(`nothing is scheduled: ${what}`, 'refused')
  const state = changeState(pending, now)
  if (state === 'waiting')
    throw new CliError(`${what} is not applicable yet: ${showSchedule(pending, now)}`, 'pending')
  if (state === 'expired') throw new CliError(`${what} ${showSchedule(pending, now)}`, 'refused')
}

/**
 * After a change is scheduled: its window (read back once mined; in a dry run, from the delay), and the command
 * that applies it, in `result`.
 */
export async function reportWindow(
  session: { dryRun: boolean; connection: { provider: Provider } },
  delay: bigint,
  scheduled: () => Promise<PendingChange>,
  apply: string,
  result: { lines: string[]; data: Record<string, unknown> },
): Promise<void> {
  if (session.dryRun) {
    result.lines.push(
      `Once mined, it waits the admin delay, ${showDelay(delay)}, then can be applied for 14 days: ${apply}`,
    )
    return
  }
  const now = BigInt((await session.connection.provider.getBlock('latest'))!.timestamp)
  const pending = await scheduled()
  result.data.readyAt = Number(pending.readyAt)
  result.data.expiresAt = Number(pending.expiresAt)
  result.lines.push(
    `Scheduled (admin delay ${showDelay(delay)}): ${showSchedule(pending, now)}. From ${showTimeFrom(pending.readyAt, now)}: ${apply}`,
  )
}

/** A scheduled change in words: `ready from … until …`. */
export function showSchedule(pending: PendingChange, now: bigint): string {
  const state = changeState(pending, now)
  const window = `from ${showTime(pending.readyAt)} until ${showTime(pending.expiresAt)}`
  if (state === 'waiting') return `applicable ${window} (waiting: the admin delay has not passed)`
  if (state === 'ready') return `applicable now, until ${showTime(pending.expiresAt)}`
  return `expired at ${showTime(pending.expiresAt)} (not applied within 14 days: schedule it again)`
}
