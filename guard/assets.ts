/**
 * The guard's registry, from its admin: `add-asset` (at once), and the delayed changes: `schedule-update` /
 * `apply-update`, `schedule-removal` / `apply-removal`, `cancel-change`. A scheduled change is applicable from
 * the end of the admin delay until 14 days later; each command says when.
 */
import type { JsonRpcProvider } from 'ethers'
import { secureMintTokenAt, type ReserveGuard } from '#chain/contracts'
import { PauseMode, Role, toAssetConfig, toPendingChange, type AssetConfig } from '#chain/types'
import { CliError } from '#devkit/cli'
import { revertData } from '#devkit/chain-cli'
import {
  chooseConfig,
  configJson,
  describeConfig,
  readTokenRules,
  sameConfig,
  type TokenRules,
} from './asset-config'
import {
  openGuard,
  reportWindow,
  requireApplicable,
  requireRole,
  scheduledChange,
  scheduledConfig,
  type ScheduledChange,
} from './contracts'
import { showNumber } from './format'
import { detectTarget, pauseCalldata, pauseWords, type TargetKind } from './pause-mode'
import {
  callTx,
  emptyResult,
  execute,
  simulate,
  type CommandContext,
  type CommandResult,
  type PlannedTx,
} from './plan'
import {
  decodeRevert,
  openSession,
  requiredAddress,
  text,
  where,
  wholeNumberOption,
  type Session,
} from './session'

/** The measured pause's headroom: the pause gas is this many times what the pause took when measured. */
const PAUSE_GAS_HEADROOM = 2n
/** The pause gas is rounded up to a multiple of this. */
const PAUSE_GAS_STEP = 10_000n
/** What a transaction costs before it runs (subtracted from a measured pause). */
const INTRINSIC_GAS = 21_000n

/** Whether the guard could pause the target now (its pause simulated from the guard), and if not, why. */
async function guardCanPause(
  provider: JsonRpcProvider,
  guard: string,
  target: string,
  config: AssetConfig,
): Promise<{ ok: boolean; why?: string }> {
  try {
    await provider.call({ from: guard, to: target, data: pauseCalldata(config.pauseMode, config.operations) })
    return { ok: true }
  } catch (error) {
    return { ok: false, why: decodeRevert(revertData(error)) ?? 'it reverts' }
  }
}

/**
 * The pause gas for an asset, measured: the target's pause estimated from the guard, less a transaction's
 * intrinsic gas, {@link PAUSE_GAS_HEADROOM} times, rounded up to {@link PAUSE_GAS_STEP}, at least
 * MIN_PAUSE_GAS. Undefined when the guard cannot pause the target (yet). A pause needing more than
 * MAX_PAUSE_GAS is refused: such a target is paused by a guardian, by hand.
 */
async function measurePauseGas(
  provider: JsonRpcProvider,
  guard: ReserveGuard,
  target: string,
  config: AssetConfig,
): Promise<{ pauseGas: number; measured: bigint } | undefined> {
  let measured: bigint
  try {
    measured = await provider.estimateGas({
      from: await guard.getAddress(),
      to: target,
      data: pauseCalldata(config.pauseMode, config.operations),
    })
  } catch {
    return undefined
  }
  const [min, max] = [await guard.MIN_PAUSE_GAS(), await guard.MAX_PAUSE_GAS()]
  const needed = (measured - INTRINSIC_GAS) * PAUSE_GAS_HEADROOM
  let pauseGas = ((needed + PAUSE_GAS_STEP - 1n) / PAUSE_GAS_STEP) * PAUSE_GAS_STEP
  if (pauseGas < min) pauseGas = min
  if (pauseGas > max) {
    throw new CliError(
      `${target}'s pause took ${showNumber(measured)} gas from the guard, more than MAX_PAUSE_GAS ` +
        `(${showNumber(max)}) allows with headroom: the upkeep could not pause it reliably. Pause it by hand ` +
        `(a guardian's pause is given all the gas sent), or give a --pause-gas up to ${showNumber(max)}`,
      'refused',
    )
  }
  return { pauseGas: Number(pauseGas), measured }
}

/** The guard and the sender's admin role on it, for the registry's commands. */
async function adminSession(
  ctx: CommandContext,
  action: string,
): Promise<{ session: Session; guard: ReserveGuard; guardAddress: string; target: string }> {
  const session = await openSession(ctx.options, ctx.env, `${action} (the key must be the guard's admin)`)
  const guardAddress = requiredAddress(ctx.options, 'guard')
  const target = requiredAddress(ctx.options, 'target')
  const guard = await openGuard(session.connection.provider, guardAddress)
  await requireRole(guard, 'DEFAULT_ADMIN', session.from, 'the guard', action)
  return { session, guard, guardAddress, target }
}

async function isRegistered(guard: ReserveGuard, target: string): Promise<boolean> {
  try {
    await guard.assetConfig(target)
    return true
  } catch {
    return false
  }
}

async function registeredConfig(guard: ReserveGuard, target: string): Promise<AssetConfig> {
  if (!(await isRegistered(guard, target))) {
    throw new CliError(
      `${target} is not an asset of the guard ${await guard.getAddress()} (add-asset)`,
      'refused',
    )
  }
  return toAssetConfig(await guard.assetConfig(target))
}

/** The target's kind and, for a SecureMintToken, its rules. */
async function targetRules(
  provider: JsonRpcProvider,
  target: string,
): Promise<{ kind: TargetKind; token?: TokenRules }> {
  const kind = await detectTarget(provider, target)
  const token =
    kind.kind === 'SecureMintToken' ? await readTokenRules(secureMintTokenAt(target, provider)) : undefined
  return { kind, token }
}

/**
 * The role that lets the guard pause a target, granted by the target's admin when the target is an
 * AccessControl contract with `PAUSER_ROLE` (a SecureMintToken) and the sender is its admin; otherwise a
 * warning that says what is missing.
 */
async function pauserGrant(
  session: Session,
  guard: string,
  target: string,
  config: AssetConfig,
  warnings: string[],
): Promise<PlannedTx | undefined> {
  const { provider } = session.connection
  const access = await guardCanPause(provider, guard, target, config)
  if (access.ok) return undefined
  if (config.pauseMode === PauseMode.AcePausePolicy) {
    // A PausePolicy obeys its owner alone (Ownable, single-step): its owner hands it over, the CLI cannot.
    warnings.push(
      `the guard cannot pause ${target} yet (setPausedState, simulated from the guard, is refused: ${access.why}): ` +
        `the PausePolicy's owner must transferOwnership(${guard}) (the guard hands it back with releaseOwnership ` +
        `once the asset is removed). Until then, the upkeep's pause of this asset fails and backs off`,
    )
    return undefined
  }
  const token = secureMintTokenAt(target, provider)
  const hasPauser = await token.hasRole(Role.PAUSER, guard).catch(() => undefined)
  const senderIsAdmin = await token.hasRole(Role.DEFAULT_ADMIN, session.from).catch(() => false)
  if (hasPauser === false && senderIsAdmin) {
    return callTx(
      token,
      target,
      'grantRole',
      [Role.PAUSER, guard],
      `grant PAUSER_ROLE on ${target} to the guard ${guard}`,
    )
  }
  warnings.push(
    `the guard cannot pause ${target} yet (its pause, simulated from the guard, is refused: ${access.why})` +
      (hasPauser === false
        ? `: its admin must grant the guard PAUSER_ROLE (grant-role --token ${target} --role PAUSER --account ${guard})`
        : '') +
      `. Until it can, the upkeep's pause of this asset fails and backs off`,
  )
  return undefined
}

export async function addAsset(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('add-asset')
  const { session, guard, guardAddress, target } = await adminSession(ctx, 'add an asset')
  const { provider } = session.connection
  if (await isRegistered(guard, target)) {
    throw new CliError(
      `${target} is already an asset of the guard: change it with schedule-update`,
      'refused',
    )
  }
  const { kind, token } = await targetRules(provider, target)
  const choice = chooseConfig(ctx.options, target, kind, token)
  const { config } = choice
  const warnings: string[] = []
  const notes = [`${target} ${kind.evidence}: paused ${pauseWords(kind.pauseMode)}`, ...choice.notes]
  const grant = await pauserGrant(session, guardAddress, target, config, warnings)
  result.lines.push(`Adding ${target} to the guard ${guardAddress} (${where(session.connection)}).`)
  if (grant && !session.dryRun)
    await execute(session, { transactions: [grant], notes: [], warnings: [] }, result)
  if (choice.measurePauseGas) {
    const measured =
      grant && session.dryRun ? undefined : await measurePauseGas(provider, guard, target, config)
    if (measured) {
      config.pauseGas = measured.pauseGas
      notes.push(
        `pause gas ${showNumber(measured.pauseGas)}: the pause took ${showNumber(measured.measured)} gas from the guard ` +
          `(${showNumber(INTRINSIC_GAS)} of it the transaction's own), twice that, rounded up`,
      )
    } else {
      config.pauseGas = Number(await guard.MIN_PAUSE_GAS())
      ;(grant ? notes : warnings).push(
        grant
          ? `pause gas ${showNumber(config.pauseGas)} (MIN_PAUSE_GAS) in this dry run: the real run measures the pause after the role grant, and may give more`
          : `pause gas ${showNumber(config.pauseGas)} (MIN_PAUSE_GAS): the pause could not be measured, the guard not being able to pause the target`,
      )
    }
  }
  const add = callTx(
    guard,
    guardAddress,
    'addAsset',
    [target, config],
    `add ${target} as an asset of the guard`,
  )
  if (!grant) await simulate(session, add)
  result.lines.push(...describeConfig(config).map((line) => `  ${line}`))
  result.data.target = target
  result.data.config = configJson(config)
  await execute(
    session,
    { transactions: grant && session.dryRun ? [grant, add] : [add], notes, warnings },
    result,
  )
  if (session.dryRun) return result
  const performGas = await guard.performGasNeeded(target)
  result.data.performGasNeeded = performGas.toString()
  result.lines.push(
    `${target} is protected: a perform needs ${showNumber(performGas)} gas for it (performGasNeeded), plus ` +
      `the forwarder's own; give its upkeeps a gas limit above that (npm run upkeeps -- register --guard ${guardAddress}).`,
  )
  return result
}

/** A configuration change, field by field: `heartbeat 86400 → 3600`. */
function changes(before: AssetConfig, after: AssetConfig): string[] {
  const [a, b] = [configJson(before), configJson(after)]
  return Object.keys(a)
    .filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .map((key) => `${key} ${JSON.stringify(a[key])} → ${JSON.stringify(b[key])}`)
}

/** Warns that a new schedule replaces the one pending. */
function replacing(pending: ScheduledChange | undefined, warnings: string[]): void {
  if (pending) warnings.push(`this replaces the ${pending.kind} scheduled for the asset (${pending.state})`)
}

/** After scheduling: the window in which the change can be applied, and the command that applies it. */
async function scheduledWindow(
  session: Session,
  guard: ReserveGuard,
  target: string,
  apply: string,
  result: CommandResult,
): Promise<void> {
  const pending = async () => toPendingChange(await guard.pendingAssetChange(target))
  await reportWindow(session, await guard.defaultAdminDelay(), pending, apply, result)
}

function network(ctx: CommandContext): string {
  const name = text(ctx.options, 'network')
  return name ? ` --network ${name}` : ''
}

export async function scheduleUpdate(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('schedule-update')
  const { session, guard, guardAddress, target } = await adminSession(ctx, 'schedule an asset update')
  const { provider } = session.connection
  const before = await registeredConfig(guard, target)
  const { kind, token } = await targetRules(provider, target)
  const choice = chooseConfig(ctx.options, target, kind, token, before)
  const { config } = choice
  const warnings: string[] = []
  if (choice.measurePauseGas) {
    const measured = await measurePauseGas(provider, guard, target, config)
    if (!measured)
      throw new CliError(
        `--pause-gas measure: the guard cannot pause ${target} now, so its pause cannot be measured`,
        'refused',
      )
    config.pauseGas = measured.pauseGas
  }
  if (sameConfig(before, config))
    throw new CliError(`nothing to change: ${target}'s configuration is already that`, 'usage')
  const block = (await provider.getBlock('latest'))!
  replacing(await scheduledChange(guard, target, BigInt(block.timestamp)), warnings)
  const tx = callTx(
    guard,
    guardAddress,
    'scheduleAssetUpdate',
    [target, config],
    `schedule an update of ${target}`,
  )
  await simulate(session, tx)
  result.data.target = target
  result.data.before = configJson(before)
  result.data.config = configJson(config)
  result.lines.push(
    `Scheduling an update of ${target} on the guard ${guardAddress}: ${changes(before, config).join('; ')}.`,
  )
  await execute(session, { transactions: [tx], notes: choice.notes, warnings }, result)
  await scheduledWindow(
    session,
    guard,
    target,
    `npm run guard -- apply-update${network(ctx)} --guard ${guardAddress} --target ${target}`,
    result,
  )
  return result
}

export async function scheduleRemoval(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('schedule-removal')
  const { session, guard, guardAddress, target } = await adminSession(ctx, 'schedule an asset removal')
  await registeredConfig(guard, target)
  const block = (await session.connection.provider.getBlock('latest'))!
  const warnings: string[] = []
  replacing(await scheduledChange(guard, target, BigInt(block.timestamp)), warnings)
  const tx = callTx(
    guard,
    guardAddress,
    'scheduleAssetRemoval',
    [target],
    `schedule the removal of ${target}`,
  )
  await simulate(session, tx)
  result.lines.push(
    `Scheduling the removal of ${target} from the guard ${guardAddress}: once removed, it is no longer protected; its target is left paused or not as it is.`,
  )
  await execute(session, { transactions: [tx], notes: [], warnings }, result)
  await scheduledWindow(
    session,
    guard,
    target,
    `npm run guard -- apply-removal${network(ctx)} --guard ${guardAddress} --target ${target}`,
    result,
  )
  return result
}

/** The change scheduled for the asset, applicable now, of the kind the command applies. */
async function applicable(
  session: Session,
  guard: ReserveGuard,
  target: string,
  kind: ScheduledChange['kind'],
): Promise<ScheduledChange> {
  const now = BigInt((await session.connection.provider.getBlock('latest'))!.timestamp)
  const change = await scheduledChange(guard, target, now)
  if (change && change.kind !== kind) {
    throw new CliError(
      `a ${change.kind} is scheduled for ${target}, not an ${kind}: apply-${change.kind}, or cancel-change`,
      'refused',
    )
  }
  requireApplicable(change, now, `the ${kind} of ${target}`)
  return change!
}

export async function applyUpdate(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('apply-update')
  const { session, guard, guardAddress, target } = await adminSession(ctx, 'apply an asset update')
  const change = await applicable(session, guard, target, 'update')
  const fromBlock = wholeNumberOption(ctx.options, 'from-block') ?? 0
  const config = await scheduledConfig(guard, target, change.change, fromBlock)
  const before = await registeredConfig(guard, target)
  const tx = callTx(
    guard,
    guardAddress,
    'updateAsset',
    [target, config],
    `apply the update scheduled for ${target}`,
  )
  await simulate(session, tx)
  result.data.target = target
  result.data.config = configJson(config)
  result.lines.push(
    `Applying the update of ${target}: ${changes(before, config).join('; ') || 'no field changes'}.`,
  )
  await execute(session, { transactions: [tx], notes: [], warnings: [] }, result)
  if (!session.dryRun) result.lines.push(`${target} is now judged by: ${describeConfig(config).join('; ')}.`)
  return result
}

export async function applyRemoval(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('apply-removal')
  const { session, guard, guardAddress, target } = await adminSession(ctx, 'apply an asset removal')
  await applicable(session, guard, target, 'removal')
  const paused = await guard.isAssetPaused(target)
  const tx = callTx(guard, guardAddress, 'removeAsset', [target], `remove ${target} from the guard`)
  await simulate(session, tx)
  const warnings = paused
    ? [`${target} is paused, and stays paused: the guard forgets its holds and will not unpause it`]
    : []
  await execute(session, { transactions: [tx], notes: [], warnings }, result)
  if (!session.dryRun) result.lines.push(`${target} is no longer protected by the guard ${guardAddress}.`)
  return result
}

export async function cancelChange(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('cancel-change')
  const { session, guard, guardAddress, target } = await adminSession(ctx, 'cancel a scheduled change')
  const block = (await session.connection.provider.getBlock('latest'))!
  const change = await scheduledChange(guard, target, BigInt(block.timestamp))
  if (!change) throw new CliError(`nothing is scheduled for ${target}`, 'refused')
  const tx = callTx(
    guard,
    guardAddress,
    'cancelAssetChange',
    [target],
    `cancel the ${change.kind} scheduled for ${target}`,
  )
  await execute(session, { transactions: [tx], notes: [], warnings: [] }, result)
  if (!session.dryRun) result.lines.push(`The ${change.kind} of ${target} is cancelled.`)
  return result
}
