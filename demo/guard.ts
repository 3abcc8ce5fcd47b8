/**
 * Every call the demo makes to `ReserveGuard`, and only here: deploying it, wiring it to the token
 * (docs/contracts.md, "Wiring a guard to a token"), its roles, its reads, its events, and unpausing through
 * it. When the guard's interface changes, this is the one file of the demo to adapt.
 */
import type { Signer } from 'ethers'
import {
  deployReserveGuard,
  type PausableStablecoin,
  type ReserveGuard,
  type SecureMintToken,
} from '#chain/contracts'
import { eventsNamed, mined } from '#chain/events'
import {
  Operation,
  PauseMode,
  Reason,
  Role,
  Verdict,
  assetConfig,
  enumName,
  toResult,
  type Margin,
} from '#chain/types'
import type { PerformOutcome } from '../upkeeps/index'
import { revertOf, sent, type Revert, type Sent } from './tx'

export type { ReserveGuard }

/** The rules the guard applies to the token: the token's own, so that both judge alike. */
export interface GuardRules extends Margin {
  /** seconds after which the reserve feed's answer is stale (fail-closed: stale counts as short) */
  heartbeat: number
}

/**
 * The admin delay of the guard and of the token: a transfer of either admin role, every update or removal of
 * an asset and every change of the token's reserve configuration waits a day in public (docs/contracts.md,
 * "Who can do what, and how fast"). The demo only adds an asset, which takes effect at once.
 */
export const ADMIN_DELAY_SECONDS = 86_400

export async function deployGuard(admin: Signer): Promise<{ guard: ReserveGuard; deployment: Sent }> {
  const guard = await deployReserveGuard(admin, await admin.getAddress(), ADMIN_DELAY_SECONDS)
  const receipt = await guard.deploymentTransaction()!.wait()
  return { guard, deployment: sent(receipt!) }
}

/**
 * What the guard pauses on a shortfall: mint and redeem. Burning stays open: it only improves the backing,
 * and is the issuer's way back to it (docs/contracts.md, "Failure modes").
 */
export const PAUSED_OPERATIONS = Operation.Mint | Operation.Redeem

/**
 * Puts the token under the guard: the guard alone gets the token's PAUSER_ROLE, and the token is registered
 * with its reserve feed, its supply (the token's totalSupply), fail-closed on stale data, the token's own
 * heartbeat and margin (the guard refuses others), and {@link PAUSED_OPERATIONS} paused together.
 */
export async function protectToken(
  guard: ReserveGuard,
  token: SecureMintToken,
  reserveFeed: string,
  rules: GuardRules,
): Promise<Sent[]> {
  const target = await token.getAddress()
  const pauser = await mined(token.grantRole(Role.PAUSER, await guard.getAddress()))
  const added = await mined(
    guard.addAsset(
      target,
      assetConfig({ reserveFeed, supplySource: target, ...rules, operations: PAUSED_OPERATIONS }),
    ),
  )
  return [sent(pauser), sent(added)]
}

/**
 * Puts a token of OpenZeppelin's `Pausable` kind under the guard (PauseMode.Pausable): the guard gets its
 * PAUSER_ROLE, and the token is registered with its reserve feed, its own totalSupply, fail-closed on stale data,
 * `rules`' heartbeat and margin.
 */
export async function protectPausable(
  guard: ReserveGuard,
  token: PausableStablecoin,
  reserveFeed: string,
  rules: GuardRules,
): Promise<Sent[]> {
  const target = await token.getAddress()
  const pauser = await mined(token.grantRole(Role.PAUSER, await guard.getAddress()))
  const config = assetConfig({
    reserveFeed,
    supplySource: target,
    ...rules,
    pauseMode: PauseMode.Pausable,
    operations: 0n,
  })
  const added = await mined(guard.addAsset(target, config))
  return [sent(pauser), sent(added)]
}

/** Gives `account` the guard's UNPAUSER_ROLE (a human, apart from the admin). */
export async function grantUnpauser(guard: ReserveGuard, account: string): Promise<Sent> {
  return sent(await mined(guard.grantRole(Role.UNPAUSER, account)))
}

/** The guard reads the token's reserve feed as configured. */
export async function guardedFeed(guard: ReserveGuard, token: string): Promise<string> {
  return (await guard.assetConfig(token)).reserveFeed
}

/** Whether an upkeep's forwarder may call performUpkeep. */
export async function forwarderAllowed(guard: ReserveGuard, forwarder: string): Promise<boolean> {
  return guard.hasRole(Role.FORWARDER, forwarder)
}

/** Every account holding FORWARDER_ROLE now, from the guard's RoleGranted and RoleRevoked events. */
export async function forwarderRoleHolders(guard: ReserveGuard): Promise<string[]> {
  const holders = new Set<string>()
  const granted = await guard.queryFilter(guard.filters.RoleGranted(Role.FORWARDER), 0)
  const revoked = await guard.queryFilter(guard.filters.RoleRevoked(Role.FORWARDER), 0)
  const events = [...granted, ...revoked].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)
  for (const event of events) {
    if (event.eventName === 'RoleGranted') holders.add(event.args.account)
    else holders.delete(event.args.account)
  }
  return [...holders]
}

/** The guard's verdict on the token now, by name (`Backed`, `Short`; the reason, `None` when backed). */
export async function guardVerdict(
  guard: ReserveGuard,
  token: string,
): Promise<{ verdict: string; reason: string; reserves: bigint; supply: bigint }> {
  const result = toResult(await guard.assetStatus(token))
  return {
    verdict: enumName(Verdict, result.verdict),
    reason: enumName(Reason, result.reason),
    reserves: result.reserves,
    supply: result.supply,
  }
}

/** Whether the guard sees the token as paused (every operation it pauses is paused). */
export function isPaused(guard: ReserveGuard, token: string): Promise<boolean> {
  return guard.isAssetPaused(token)
}

/** The guard's pause of `token` among a perform's decoded guard events (`AssetPaused`), if any. */
export function pauseIn(
  events: PerformOutcome['guardEvents'],
  token: string,
): { reason: string; reserves: bigint; supply: bigint } | undefined {
  const paused = events.find(
    (e) => e.name === 'AssetPaused' && e.args.target.toLowerCase() === token.toLowerCase(),
  )
  if (!paused) return undefined
  return {
    reason: paused.args.reason,
    reserves: BigInt(paused.args.reserves),
    supply: BigInt(paused.args.supply),
  }
}

/** Why the guard refuses to unpause `token` now (simulated, nothing sent). */
export function unpauseRefusal(guard: ReserveGuard, unpauser: Signer, token: string): Promise<Revert> {
  return revertOf(guard.connect(unpauser).unpauseAsset.staticCall(token))
}

/** Unpauses `token` through the guard (which checks it is backed first), as an UNPAUSER_ROLE holder. */
export async function unpauseThroughGuard(
  guard: ReserveGuard,
  unpauser: Signer,
  token: string,
): Promise<Sent & { reserves: bigint; supply: bigint; by: string }> {
  const receipt = await mined(guard.connect(unpauser).unpauseAsset(token))
  const [event] = eventsNamed(receipt, guard, 'AssetUnpaused')
  if (!event) throw new Error(`unpauseAsset(${token}) emitted no AssetUnpaused`)
  return { ...sent(receipt), reserves: event.reserves, supply: event.supply, by: event.unpauser }
}
