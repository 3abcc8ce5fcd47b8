/**
 * The SecureMintToken's own commands: its delayed reserve configuration (`schedule-reserve-config`, then
 * `apply-reserve-config` after its admin delay and within 14 days, or `cancel-reserve-config`), which the
 * guard's asset then follows, and `mint`, refused with the token's verdict before anything is sent.
 */
import type { SecureMintToken } from '#chain/contracts'
import { Reason, Verdict, enumName, toPendingChange, toResult } from '#chain/types'
import { CliError } from '#devkit/cli'
import {
  readTokenRules,
  scheduledTokenRules,
  showTokenRules,
  tokenRulesArgs,
  tokenRulesFrom,
  tokenRulesHash,
} from './asset-config'
import { openToken, reportWindow, requireApplicable, requireRole, scheduleEvents } from './contracts'
import { parseAmount, showUnits } from './format'
import {
  callTx,
  emptyResult,
  execute,
  planOf,
  simulate,
  type CommandContext,
  type CommandResult,
} from './plan'
import { addressOption, openSession, requiredAddress, text, wholeNumberOption, type Session } from './session'

/** The token, and the sender's `role` on it. */
async function tokenSession(
  ctx: CommandContext,
  role: 'DEFAULT_ADMIN' | 'MINTER',
  action: string,
): Promise<{ session: Session; token: SecureMintToken; address: string }> {
  const holder = role === 'MINTER' ? 'hold MINTER_ROLE on the token' : "be the token's admin"
  const session = await openSession(ctx.options, ctx.env, `${action} (the key must ${holder})`)
  const address = requiredAddress(ctx.options, 'token')
  const token = await openToken(session.connection.provider, address)
  await requireRole(token, role, session.from, 'the token', action)
  return { session, token, address }
}

/** What the guard's asset must do once the token's rules change. */
const FOLLOW =
  "the guard judges a SecureMintToken by the token's own rules: once this is applied, schedule the same change " +
  "on the guard's asset (schedule-update), which waits the guard's delay; until then the guard refuses to " +
  'unpause the token'

export async function scheduleReserveConfig(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('schedule-reserve-config')
  const { session, token, address } = await tokenSession(
    ctx,
    'DEFAULT_ADMIN',
    'change its reserve configuration',
  )
  const before = await readTokenRules(token)
  const rules = tokenRulesFrom(ctx.options, before)
  if (tokenRulesHash(rules) === tokenRulesHash(before)) {
    throw new CliError(`nothing to change: the token's reserve configuration is already that`, 'usage')
  }
  const tx = callTx(
    token,
    address,
    'scheduleReserveConfig',
    tokenRulesArgs(rules),
    `schedule the reserve configuration of ${address}: ${showTokenRules(rules)}`,
  )
  await simulate(session, tx)
  const pending = toPendingChange(await token.pendingReserveConfig())
  const warnings = pending.readyAt !== 0n ? ['this replaces the reserve configuration scheduled before'] : []
  await execute(session, { transactions: [tx], notes: [FOLLOW], warnings }, result)
  const apply = `npm run guard -- apply-reserve-config --token ${address}`
  const scheduled = async () => toPendingChange(await token.pendingReserveConfig())
  await reportWindow(session, await token.defaultAdminDelay(), scheduled, apply, result)
  return result
}

export async function applyReserveConfig(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('apply-reserve-config')
  const { session, token, address } = await tokenSession(
    ctx,
    'DEFAULT_ADMIN',
    'change its reserve configuration',
  )
  const pending = toPendingChange(await token.pendingReserveConfig())
  const now = BigInt((await session.connection.provider.getBlock('latest'))!.timestamp)
  requireApplicable(pending, now, `the reserve configuration of ${address}`)
  // Only its hash is stored: the values are in the event that scheduled it.
  const fromBlock = wholeNumberOption(ctx.options, 'from-block') ?? 0
  const events = await scheduleEvents(
    () => token.queryFilter(token.filters.ReserveConfigScheduled(), fromBlock),
    "the token's ReserveConfigScheduled",
    fromBlock,
  )
  const scheduled = events
    .map((e) => scheduledTokenRules(e.args))
    .reverse()
    .find((rules) => tokenRulesHash(rules) === pending.change)
  if (!scheduled) {
    throw new CliError(
      `no ReserveConfigScheduled event from block ${fromBlock} names the scheduled configuration: pass an earlier --from-block`,
      'failed',
    )
  }
  const tx = callTx(
    token,
    address,
    'setReserveConfig',
    tokenRulesArgs(scheduled),
    `apply the reserve configuration of ${address}: ${showTokenRules(scheduled)}`,
  )
  await simulate(session, tx)
  await execute(session, { transactions: [tx], notes: [FOLLOW], warnings: [] }, result)
  return result
}

export async function cancelReserveConfig(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('cancel-reserve-config')
  const { session, token, address } = await tokenSession(
    ctx,
    'DEFAULT_ADMIN',
    'cancel its scheduled reserve configuration',
  )
  if (toPendingChange(await token.pendingReserveConfig()).readyAt === 0n) {
    throw new CliError(`no reserve configuration is scheduled on ${address}`, 'refused')
  }
  const tx = callTx(
    token,
    address,
    'cancelReserveConfig',
    [],
    `cancel the reserve configuration scheduled on ${address}`,
  )
  await execute(session, planOf(tx), result)
  return result
}

export async function mint(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('mint')
  const { session, token, address } = await tokenSession(ctx, 'MINTER', 'mint')
  const to = addressOption(ctx.options, 'to') ?? session.from
  const [decimals, symbol] = [Number(await token.decimals()), await token.symbol()]
  const amount = parseAmount(text(ctx.options, 'amount')!, decimals, '--amount')
  const check = toResult(await token.reserveStatus(amount))
  if (check.verdict !== Verdict.Backed) {
    throw new CliError(
      `minting ${showUnits(amount, decimals, symbol)} is refused: the token's check says ${enumName(Verdict, check.verdict)} ` +
        `(${enumName(Reason, check.reason)}), reserves ${check.reserves}, supply ${check.supply} before the mint`,
      'refused',
    )
  }
  const tx = callTx(
    token,
    address,
    'mint',
    [to, amount],
    `mint ${showUnits(amount, decimals, symbol)} to ${to}`,
  )
  await simulate(session, tx)
  await execute(session, planOf(tx), result)
  if (!session.dryRun) {
    const [balance, supply] = [await token.balanceOf(to), await token.totalSupply()]
    result.lines.push(
      `${to} holds ${showUnits(balance, decimals, symbol)}; the supply is ${showUnits(supply, decimals, symbol)}.`,
    )
  }
  return result
}
