/**
 * Who may do what, from the admins: `grant-role` and `revoke-role` on the guard (FORWARDER, GUARDIAN, UNPAUSER,
 * RECEIVER_ADMIN) and on the token (MINTER, PAUSER), and the two-step transfer of either contract's admin role
 * (`transfer-admin`, then `accept-admin` by the new admin once the admin delay has passed, or
 * `cancel-admin-transfer`).
 */
import type { BlockTag } from 'ethers'
import type { ReserveGuard, SecureMintToken } from '#chain/contracts'
import { Role } from '#chain/types'
import { CliError } from '#devkit/cli'
import { ROLES, openGuard, openToken, requireRole, roleName, type RoleName } from './contracts'
import { showDelay, showTimeFrom } from './format'
import { callTx, emptyResult, execute, simulate, type CommandContext, type CommandResult } from './plan'
import { addressOption, openSession, requiredAddress, text, type Session } from './session'

/** The contract a role command acts on: `--guard` or `--token`, exactly one. */
interface Subject {
  kind: 'guard' | 'token'
  address: string
  contract: ReserveGuard | SecureMintToken
  /** `the guard`, `the token` */
  what: string
}

async function subject(ctx: CommandContext, session: Session): Promise<Subject> {
  const guard = addressOption(ctx.options, 'guard')
  const token = addressOption(ctx.options, 'token')
  if ((guard === undefined) === (token === undefined)) {
    throw new CliError('name the contract: --guard <address> or --token <address> (one of them)', 'usage')
  }
  const { provider } = session.connection
  if (guard)
    return { kind: 'guard', address: guard, contract: await openGuard(provider, guard), what: 'the guard' }
  return { kind: 'token', address: token!, contract: await openToken(provider, token!), what: 'the token' }
}

/** `--role`, by name (`GUARDIAN`, `guardian` or `GUARDIAN_ROLE`), among the roles of the contract. */
function chosenRole(ctx: CommandContext, kind: Subject['kind']): RoleName {
  const given = text(ctx.options, 'role')!
  const name = given.toUpperCase().replace(/_ROLE$/, '')
  const allowed: readonly string[] = ROLES[kind]
  if (!allowed.includes(name)) {
    const admin =
      name === 'DEFAULT_ADMIN' ? ' (the admin role changes hands with transfer-admin and accept-admin)' : ''
    throw new CliError(`--role on the ${kind} is one of ${allowed.join(', ')}, not ${given}${admin}`, 'usage')
  }
  return name as RoleName
}

async function roleChange(ctx: CommandContext, grant: boolean): Promise<CommandResult> {
  const command = grant ? 'grant-role' : 'revoke-role'
  const result = emptyResult(command)
  const session = await openSession(ctx.options, ctx.env, `${command} (the key must be the contract's admin)`)
  const on = await subject(ctx, session)
  const role = chosenRole(ctx, on.kind)
  const account = requiredAddress(ctx.options, 'account')
  await requireRole(
    on.contract,
    'DEFAULT_ADMIN',
    session.from,
    on.what,
    `${grant ? 'grant' : 'revoke'} roles`,
  )
  const name = roleName(Role[role])
  Object.assign(result.data, { contract: on.address, role: name, account })
  const holds = await on.contract.hasRole(Role[role], account)
  if (holds === grant) {
    result.lines.push(
      `${account} ${grant ? 'already holds' : 'does not hold'} ${name} on ${on.what} ${on.address}: nothing to send.`,
    )
    return result
  }
  const warnings: string[] = []
  if (grant && on.kind === 'token' && role === 'PAUSER') {
    warnings.push(
      "leave PAUSER_ROLE to the guard alone: a pauser who unpauses the token directly skips the guard's check " +
        'that it is backed (docs/contracts.md, "Wiring a guard to a token")',
    )
  }
  const fn = grant ? 'grantRole' : 'revokeRole'
  const tx = callTx(
    on.contract,
    on.address,
    fn,
    [Role[role], account],
    `${grant ? 'grant' : 'revoke'} ${name} on ${on.what} ${on.address} ${grant ? 'to' : 'from'} ${account}`,
  )
  await simulate(session, tx)
  await execute(session, { transactions: [tx], notes: [], warnings }, result)
  return result
}

export const grantRole = (ctx: CommandContext) => roleChange(ctx, true)
export const revokeRole = (ctx: CommandContext) => roleChange(ctx, false)

async function latest(session: Session): Promise<{ now: bigint; blockTag: BlockTag }> {
  const block = (await session.connection.provider.getBlock('latest'))!
  return { now: BigInt(block.timestamp), blockTag: block.number }
}

export async function transferAdmin(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('transfer-admin')
  const session = await openSession(
    ctx.options,
    ctx.env,
    "transfer-admin (the key must be the contract's admin)",
  )
  const on = await subject(ctx, session)
  const to = requiredAddress(ctx.options, 'to')
  await requireRole(on.contract, 'DEFAULT_ADMIN', session.from, on.what, 'hand over the admin role')
  const delay = await on.contract.defaultAdminDelay()
  const pending = await on.contract.pendingDefaultAdmin()
  const warnings =
    pending.schedule !== 0n ? [`this replaces the transfer to ${pending.newAdmin} begun before`] : []
  const tx = callTx(
    on.contract,
    on.address,
    'beginDefaultAdminTransfer',
    [to],
    `begin handing ${on.what} ${on.address}'s admin role to ${to}`,
  )
  await simulate(session, tx)
  await execute(session, { transactions: [tx], notes: [], warnings }, result)
  const accept = `npm run guard -- accept-admin --${on.kind} ${on.address}${text(ctx.options, 'network') ? ` --network ${text(ctx.options, 'network')}` : ''}`
  if (session.dryRun) {
    result.lines.push(
      `Once mined, ${to} can accept after the admin delay, ${showDelay(delay)}: ${accept} (with its key)`,
    )
    return result
  }
  const scheduled = await on.contract.pendingDefaultAdmin()
  result.data.acceptableFrom = Number(scheduled.schedule)
  result.lines.push(
    `${to} can accept from ${showTimeFrom(scheduled.schedule, (await latest(session)).now)} (the admin delay, ` +
      `${showDelay(delay)}), with its key: ${accept}. Until then ${session.from} stays the admin; cancel-admin-transfer stops it.`,
  )
  return result
}

export async function acceptAdmin(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('accept-admin')
  const session = await openSession(ctx.options, ctx.env, 'accept-admin (the key must be the new admin)')
  const on = await subject(ctx, session)
  const pending = await on.contract.pendingDefaultAdmin()
  const { now } = await latest(session)
  if (pending.schedule === 0n)
    throw new CliError(`no admin transfer of ${on.what} ${on.address} is pending`, 'refused')
  if (pending.newAdmin.toLowerCase() !== session.from.toLowerCase()) {
    throw new CliError(
      `the admin role of ${on.what} is offered to ${pending.newAdmin}, not to ${session.from}: accept with its key`,
      'refused',
    )
  }
  if (now < pending.schedule) {
    throw new CliError(
      `the admin transfer can be accepted from ${showTimeFrom(pending.schedule, now)}, after the admin delay`,
      'pending',
    )
  }
  const tx = callTx(
    on.contract,
    on.address,
    'acceptDefaultAdminTransfer',
    [],
    `accept ${on.what} ${on.address}'s admin role`,
  )
  await execute(session, { transactions: [tx], notes: [], warnings: [] }, result)
  if (!session.dryRun) result.lines.push(`${session.from} is now the admin of ${on.what} ${on.address}.`)
  return result
}

export async function cancelAdminTransfer(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('cancel-admin-transfer')
  const session = await openSession(
    ctx.options,
    ctx.env,
    "cancel-admin-transfer (the key must be the contract's admin)",
  )
  const on = await subject(ctx, session)
  await requireRole(on.contract, 'DEFAULT_ADMIN', session.from, on.what, 'cancel an admin transfer')
  const pending = await on.contract.pendingDefaultAdmin()
  if (pending.schedule === 0n)
    throw new CliError(`no admin transfer of ${on.what} ${on.address} is pending`, 'refused')
  const tx = callTx(
    on.contract,
    on.address,
    'cancelDefaultAdminTransfer',
    [],
    `cancel the transfer of ${on.what} ${on.address}'s admin role to ${pending.newAdmin}`,
  )
  await execute(session, { transactions: [tx], notes: [], warnings: [] }, result)
  return result
}
