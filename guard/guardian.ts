/**
 * The guard's hands: a guardian's `pause` and `lift` (its own hold) and `clear-backoff`, an unpauser's
 * `unpause` (the upkeep's hold, once the asset is backed), each checked before it is sent, so that a refusal
 * says why in words (the verdict and the figures) rather than as a revert.
 */
import type { ReserveGuard } from '#chain/contracts'
import { Reason, Verdict, enumName, toResult } from '#chain/types'
import { CliError } from '#devkit/cli'
import { openGuard, requireRole, type RoleName } from './contracts'
import { showTimeFrom } from './format'
import { callTx, emptyResult, execute, simulate, type CommandContext, type CommandResult } from './plan'
import { openSession, requiredAddress, type Session } from './session'

interface Holder {
  session: Session
  guard: ReserveGuard
  guardAddress: string
  target: string
}

/** The guard, the asset, and the sender's role for the action. */
async function holder(ctx: CommandContext, role: RoleName, action: string): Promise<Holder> {
  const session = await openSession(
    ctx.options,
    ctx.env,
    `${action} (the key must hold ${role}_ROLE on the guard)`,
  )
  const guardAddress = requiredAddress(ctx.options, 'guard')
  const target = requiredAddress(ctx.options, 'target')
  const guard = await openGuard(session.connection.provider, guardAddress)
  await requireRole(guard, role, session.from, 'the guard', action)
  try {
    await guard.assetConfig(target)
  } catch {
    throw new CliError(`${target} is not an asset of the guard ${guardAddress}`, 'refused')
  }
  return { session, guard, guardAddress, target }
}

/** Refuses unless the guard finds the asset backed now (the gate of every unpause), naming its verdict. */
async function requireBacked(guard: ReserveGuard, target: string, what: string): Promise<void> {
  const result = toResult(await guard.assetStatus(target))
  if (result.verdict === Verdict.Backed) return
  throw new CliError(
    `${what} is refused while ${target} is not backed: the check says ${enumName(Verdict, result.verdict)} ` +
      `(${enumName(Reason, result.reason)}), reserves ${result.reserves}, supply ${result.supply} (status shows them in units)`,
    'refused',
  )
}

async function holds(guard: ReserveGuard, target: string): Promise<{ upkeep: boolean; guardian: boolean }> {
  const [upkeep, guardian] = await guard.pauseHolds(target)
  return { upkeep, guardian }
}

export async function pause(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('pause')
  const { session, guard, guardAddress, target } = await holder(ctx, 'GUARDIAN', 'pause an asset')
  if ((await holds(guard, target)).guardian)
    throw new CliError(`a guardian already holds a pause on ${target}`, 'refused')
  const tx = callTx(
    guard,
    guardAddress,
    'pauseAsset',
    [target],
    `pause ${target} by hand (a guardian's hold)`,
  )
  await simulate(session, tx)
  await execute(
    session,
    {
      transactions: [tx],
      notes: ['only a guardian lifts this hold (lift); an unpauser cannot'],
      warnings: [],
    },
    result,
  )
  if (!session.dryRun) result.lines.push(`${target} is paused: the guardian's hold is on it.`)
  return result
}

/** The two holds a pause can have, and who lifts each (the guard's `Hold`). */
const HOLDS = {
  guardian: {
    command: 'lift',
    role: 'GUARDIAN',
    call: 'liftGuardianPause',
    whose: "the guardian's",
    other: 'upkeep',
    none: 'no guardian holds a pause on {target}: nothing to lift',
  },
  upkeep: {
    command: 'unpause',
    role: 'UNPAUSER',
    call: 'unpauseAsset',
    whose: "the upkeep's",
    other: 'guardian',
    none: "the upkeep holds no pause on {target}: nothing for an unpauser to lift (a guardian's pause is lifted by a guardian: lift)",
  },
} as const

/**
 * Lifts one hold: refused when it is not there, or when the asset is not backed and the lift needs it to be
 * (the upkeep's hold always does: lifting it says the shortfall is over; any last hold does: it unpauses).
 */
async function liftHold(ctx: CommandContext, hold: keyof typeof HOLDS): Promise<CommandResult> {
  const spec = HOLDS[hold]
  const result = emptyResult(spec.command)
  const { session, guard, guardAddress, target } = await holder(ctx, spec.role, `lift ${spec.whose} pause`)
  const held = await holds(guard, target)
  if (!held[hold]) throw new CliError(spec.none.replace('{target}', target), 'refused')
  const otherHeld = held[spec.other]
  if (hold === 'upkeep' || !otherHeld)
    await requireBacked(guard, target, otherHeld ? `lifting ${spec.whose} hold` : 'unpausing')
  const tx = callTx(guard, guardAddress, spec.call, [target], `lift ${spec.whose} pause of ${target}`)
  await simulate(session, tx)
  const notes = otherHeld
    ? [
        `${HOLDS[spec.other].whose} pause remains: the target stays paused until it is lifted (${HOLDS[spec.other].command})`,
      ]
    : []
  await execute(session, { transactions: [tx], notes, warnings: [] }, result)
  if (!session.dryRun) {
    result.lines.push(
      otherHeld ? `${spec.whose} hold is lifted; ${target} stays paused.` : `${target} is unpaused.`,
    )
  }
  return result
}

export const lift = (ctx: CommandContext) => liftHold(ctx, 'guardian')
export const unpause = (ctx: CommandContext) => liftHold(ctx, 'upkeep')

export async function clearBackoff(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('clear-backoff')
  const { session, guard, guardAddress, target } = await holder(ctx, 'GUARDIAN', "clear an asset's backoff")
  const [failures, retryAfter] = await guard.pauseBackoff(target)
  if (failures === 0n) throw new CliError(`${target} has no failed pause to forget`, 'refused')
  const block = (await session.connection.provider.getBlock('latest'))!
  result.lines.push(
    `${target}: ${failures} failed pause(s) in a row, next attempt ${showTimeFrom(retryAfter, block.timestamp)}; ` +
      `clearing them lets the next upkeep try at once (fix what failed first: status shows it).`,
  )
  const tx = callTx(
    guard,
    guardAddress,
    'clearPauseBackoff',
    [target],
    `clear the pause backoff of ${target}`,
  )
  await execute(session, { transactions: [tx], notes: [], warnings: [] }, result)
  return result
}
