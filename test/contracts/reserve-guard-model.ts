/**
 * What the reserve guard should do, written again in plain TypeScript: the model the guard's stateful
 * property test (reserve-guard.property.test.ts) holds the contracts to. It decides with the reserve rules'
 * own model (reserve-check-model.ts), and keeps, per asset, what the chain should show: the target's pauses
 * and who made them, and the guard's holds, the flags it switched on and its backoff.
 *
 * Every asset is 8 decimals on both sides, no margin, its supply read live, mint and redeem paused on a
 * shortfall; A and B are SecureMintTokens (A's owner is a pauser too), C a target that can misbehave.
 */
import { NO_MARGIN, Operation, Reason, StalePolicy, Verdict } from '#chain/types'
import { modelReason, modelVerdict } from './reserve-check-model'

export const HEARTBEAT = 86_400n
/** What the guard pauses: mint and redeem. */
export const CONFIGURED = Operation.Mint | Operation.Redeem
const RETRY_DELAY = 60n
const RETRY_MAX_DELAY = 86_400n

export type AssetName = 'A' | 'B' | 'C'
export type Pauser = 'guard' | 'owner'

/** How the misbehaving target C behaves (MockMisbehavingTarget's behaviours the model knows). */
export type Behaviour = 'Normal' | 'Revert' | 'BurnGas' | 'BurnGasInSupply'

export interface AssetModel {
  name: AssetName
  /** A SecureMintToken (it records who paused each operation), or C. */
  token: boolean
  stalePolicy: bigint
  reserves: bigint
  updatedAt: bigint
  supply: bigint
  behaviour: Behaviour
  /** The operations paused on the target, and who paused each (a token's `operationPausedBy`). */
  paused: bigint
  pausers: Map<bigint, Pauser>
  upkeepHold: boolean
  guardianHold: boolean
  pausedByGuard: bigint
  failures: bigint
  retryAfter: bigint
}

export function asset(name: AssetName, token: boolean, stalePolicy: bigint, amount: bigint): AssetModel {
  return {
    name,
    token,
    stalePolicy,
    reserves: amount,
    updatedAt: 0n,
    supply: amount,
    behaviour: 'Normal',
    paused: 0n,
    pausers: new Map(),
    upkeepHold: false,
    guardianHold: false,
    pausedByGuard: 0n,
    failures: 0n,
    retryAfter: 0n,
  }
}

const flagsOf = (mask: bigint) => [Operation.Mint, Operation.Redeem, Operation.Burn].filter((f) => mask & f)

/** The reason and verdict of the reserve check at `now`, for a mint of `amount` under `stalePolicy`. */
export function judge(a: AssetModel, now: bigint, amount = 0n, stalePolicy = a.stalePolicy) {
  const supplyReadable = a.behaviour !== 'BurnGasInSupply'
  const reason = modelReason({
    reserve: { ok: true, answer: a.reserves, updatedAt: a.updatedAt, decimals: 8 },
    supply: { ok: supplyReadable, answer: supplyReadable ? a.supply : 0n, updatedAt: now, decimals: 8 },
    rules: { heartbeat: HEARTBEAT, supplyHeartbeat: 0n, stalePolicy, ...NO_MARGIN },
    amount,
    timestamp: now,
  })
  return { reason, verdict: modelVerdict(reason, stalePolicy) }
}

export const isShort = (a: AssetModel, now: bigint) => judge(a, now).verdict === Verdict.Short
export const isBacked = (a: AssetModel, now: bigint) => judge(a, now).verdict === Verdict.Backed
export const backingOff = (a: AssetModel, now: bigint) => a.retryAfter > now
export const fullyPaused = (a: AssetModel) => (a.paused & CONFIGURED) === CONFIGURED
/** Whether the upkeep is to pause the asset at `now`: checkUpkeep lists it, performUpkeep pauses it. */
export const needsPause = (a: AssetModel, now: bigint) =>
  isShort(a, now) && !backingOff(a, now) && !fullyPaused(a)
/** Whether a pause call on the target works. */
const pauseWorks = (a: AssetModel) => a.behaviour === 'Normal' || a.behaviour === 'BurnGasInSupply'

function switchOn(a: AssetModel, flags: bigint, by: Pauser) {
  for (const flag of flagsOf(flags)) if (a.token) a.pausers.set(flag, by)
  a.paused |= flags
}

function switchOff(a: AssetModel, flags: bigint) {
  for (const flag of flagsOf(flags)) a.pausers.delete(flag)
  a.paused &= ~flags
}

/** The guard's hold placed: the flags it paused recorded as its own, its failures forgotten. */
function hold(a: AssetModel, which: 'upkeep' | 'guardian', switched: bigint) {
  if (which === 'upkeep') a.upkeepHold = true
  else a.guardianHold = true
  a.pausedByGuard |= switched
  a.failures = 0n
  a.retryAfter = 0n
}

/** The upkeep's pause of an asset that needs it, at `now`: the guard events it emits. */
export function upkeepPause(a: AssetModel, now: bigint): string[] {
  if (pauseWorks(a)) {
    const missing = CONFIGURED & ~a.paused
    switchOn(a, missing, 'guard')
    hold(a, 'upkeep', missing)
    return ['AssetPaused']
  }
  if (a.failures < 255n) a.failures++
  const delay = a.failures > 12n ? RETRY_MAX_DELAY : RETRY_DELAY << (a.failures - 1n)
  a.retryAfter = now + (delay > RETRY_MAX_DELAY ? RETRY_MAX_DELAY : delay)
  return ['AssetPauseFailed', 'AssetPauseBackoff']
}

/** performUpkeep with these entries at `now`: the guard events, as `[name, asset]`. */
export function perform(entries: AssetModel[], now: bigint): [string, AssetName][] {
  return entries.flatMap((a) =>
    needsPause(a, now) ? upkeepPause(a, now).map((name) => [name, a.name] as [string, AssetName]) : [],
  )
}

/** A guardian's pause: the custom error it reverts with (`'target'`: the target's own), or its event. */
export function guardianPause(a: AssetModel): string {
  if (a.guardianHold) return 'AssetAlreadyPaused'
  const before = a.paused & CONFIGURED
  if (before !== CONFIGURED) {
    if (!pauseWorks(a)) return 'target'
    switchOn(a, CONFIGURED & ~before, 'guard')
  }
  hold(a, 'guardian', CONFIGURED & ~before)
  return 'AssetPausedByGuardian'
}

/**
 * Lifting a hold (`unpauseAsset` for the upkeep's, `liftGuardianPause` for a guardian's) at `now`: the custom
 * error it reverts with, or its event. The guard lifts only the flags it switched on that no one else holds.
 */
export function liftHold(a: AssetModel, which: 'upkeep' | 'guardian', now: bigint): string {
  const held = which === 'upkeep' ? a.upkeepHold : a.guardianHold
  if (!held) return 'NotHeld'
  const otherHeld = which === 'upkeep' ? a.guardianHold : a.upkeepHold
  if ((which === 'upkeep' || !otherHeld) && !isBacked(a, now)) return 'AssetNotBacked'
  if (which === 'upkeep') a.upkeepHold = false
  else a.guardianHold = false
  if (otherHeld) return 'PauseHoldLifted'
  let lift = a.pausedByGuard & a.paused
  for (const flag of flagsOf(lift)) if (a.token && a.pausers.get(flag) !== 'guard') lift &= ~flag
  switchOff(a, lift)
  a.pausedByGuard = 0n
  return 'AssetUnpaused'
}

/** `clearPauseBackoff`: the custom error it reverts with, or its event. */
export function clearBackoff(a: AssetModel): string {
  if (a.failures === 0n) return 'NoPauseBackoff'
  a.failures = 0n
  a.retryAfter = 0n
  return 'AssetPauseBackoffCleared'
}

/** The token's owner pausing one operation directly: the custom error, or `'paused'` / `'unchanged'`. */
export function ownerPause(a: AssetModel, flag: bigint): string {
  if (a.paused & flag) return a.pausers.get(flag) === 'owner' ? 'unchanged' : 'OperationPausedByAnother'
  switchOn(a, flag, 'owner')
  return 'paused'
}

/** The token's owner unpausing one operation directly: it lifts whoever's pause it is. */
export function ownerUnpause(a: AssetModel, flag: bigint) {
  switchOff(a, flag & a.paused)
}

/** A mint of `amount` on a token at `now`: allowed only when not paused and backed with the amount, fail-closed. */
export function mintAllowed(a: AssetModel, amount: bigint, now: bigint): boolean {
  if (a.paused & Operation.Mint) return false
  return judge(a, now, amount, StalePolicy.FailClosed).reason === Reason.None
}
