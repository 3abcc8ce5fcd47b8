/**
 * The commands behind `npm run upkeeps`. Each returns what it did in plain words (`lines`) and as data (`data`,
 * printed by `--json`); commands that send plan their transactions first, so that `--dry-run` prints exactly
 * what would be sent.
 */
import { Contract, getAddress, isAddress, isHexString, type TransactionReceipt } from 'ethers'
import { DEV_CHAIN_IDS, isDevChain } from '#common/evm-chains'
import { deployLocalAutomation } from '#devkit/automation'
import { executePlan, type CommandResult, type TxSession } from '#devkit/chain-cli'
import { optionText as text, wholeNumberOption as integer } from '#devkit/cli'
import type { ParsedOptions } from './cli-spec'
import { UpkeepsError } from './errors'
import { amountJson, parseAmount, showAmount, showGas } from './format'
import { answerUpdatedTrigger, listensTo, resolveLogSource } from './feed'
import { describeOffchainConfig, offchainConfigFromGwei, NO_OFFCHAIN_CONFIG } from './offchain-config'
import {
  gasLimitWarning,
  guardContract,
  hasForwarderRole,
  isGuardAdmin,
  planGrantForwarder,
  readAssets,
  forwarderRoleOf,
} from './guard'
import {
  connect,
  loadNetworks,
  signerFromEnv,
  writeLocalDeployment,
  type Connection,
  type Env,
} from './network'
import {
  findApproval,
  openRegistrar,
  planApproveRequest,
  planCancelRequest,
  planRegistration,
  registrationOutcome,
  upkeepsOfGuard,
  type BillingChoice,
  type RegistrationPlan,
} from './registrar'
import {
  isUnderfunded,
  openRegistry,
  planAcceptAdmin,
  planCancel,
  planFund,
  planPause,
  planTransferAdmin,
  planUpdate,
  planWithdraw,
  readUpkeep,
  upkeepState,
  type Plan,
  type UpkeepChanges,
  type UpkeepInfo,
} from './registry'
import { UpkeepRunner, type CheckOutcome, type PerformOutcome, type RunnerMode } from './runner'
import { UPKEEPS_CODEC, describeTx, type PlannedTx } from './tx'

export type { CommandResult }

export interface CommandContext {
  options: ParsedOptions
  env: Env
  /** for long-running commands: print as things happen (the runner's log) */
  print: (line: string) => void
  /** resolves when the user interrupts a long-running command */
  interrupted?: Promise<void>
}

// ---------------------------------------------------------------- option helpers

function address(options: ParsedOptions, name: string): string | undefined {
  const value = text(options, name)
  if (value === undefined) return undefined
  if (!isAddress(value)) throw new UpkeepsError(`--${name} must be an address, got ${value}`, 'usage')
  return getAddress(value)
}

function requiredAddress(options: ParsedOptions, name: string, fallback?: string, what?: string): string {
  const value = address(options, name) ?? fallback
  if (!value) {
    throw new UpkeepsError(
      `no ${what ?? name}: pass --${name}, or --network with a configured network`,
      'usage',
    )
  }
  return value
}

/**
 * The registry or registrar: the option, else the network's; on a network whose Automation 2.3 contracts are
 * not configured (networks.json says why), an error that says so.
 */
function automationAddress(
  options: ParsedOptions,
  connection: Connection,
  name: 'registry' | 'registrar',
): string {
  const network = connection.network
  if (!address(options, name) && network && !network[name]) {
    throw new UpkeepsError(
      `network ${network.name} has no Automation 2.3 ${name} in upkeeps/networks.json: no stored Chainlink ` +
        `source documents one as 2.3 (npm run upkeeps -- networks says which page was read). Pass --${name} ` +
        `with the address from Chainlink's Supported Networks page; it is checked on chain.`,
      'usage',
    )
  }
  return requiredAddress(options, name, network?.[name], name)
}

function upkeepId(value: string): bigint {
  if (!/^\d+$/.test(value)) throw new UpkeepsError(`an upkeep id is a decimal number, got ${value}`, 'usage')
  return BigInt(value)
}

function upkeepIds(options: ParsedOptions): bigint[] {
  const value = options.upkeep
  const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : []
  return list.map(upkeepId)
}

function hex(options: ParsedOptions, name: string): string {
  const value = text(options, name) ?? '0x'
  if (!isHexString(value) || value.length % 2 !== 0) {
    throw new UpkeepsError(`--${name} must be hex bytes (0x…), got ${value}`, 'usage')
  }
  return value
}

// ---------------------------------------------------------------- sessions

interface Session extends TxSession {
  connection: Connection
}

async function open(ctx: CommandContext, purpose: string): Promise<Session> {
  const connection = await connect(
    { network: text(ctx.options, 'network'), rpcUrl: text(ctx.options, 'rpc-url') },
    ctx.env,
  )
  const dryRun = ctx.options['dry-run'] === true
  const from = address(ctx.options, 'from')
  if (dryRun && !ctx.env.UPKEEPS_PRIVATE_KEY) {
    if (!from) {
      throw new UpkeepsError(
        `a dry run checks the transactions against their sender: set UPKEEPS_PRIVATE_KEY or pass --from <address>`,
        'usage',
      )
    }
    return { connection, from, dryRun }
  }
  const signer = signerFromEnv(ctx.env, connection, purpose)
  return { connection, signer, from: await signer.getAddress(), dryRun }
}

async function readOnly(ctx: CommandContext): Promise<Connection> {
  return connect({ network: text(ctx.options, 'network'), rpcUrl: text(ctx.options, 'rpc-url') }, ctx.env)
}

function where(connection: Connection): string {
  const name = connection.network ? `${connection.network.name}, ` : ''
  return `${name}chain ${connection.chainId}`
}

/** Prints a plan's notes and warnings, then sends its transactions, or describes them in a dry run. */
function execute(session: Session, plan: Plan, result: CommandResult): Promise<TransactionReceipt[]> {
  return executePlan(session, plan, result, UPKEEPS_CODEC)
}

function emptyResult(command: string): CommandResult {
  return { lines: [], data: { command } }
}

function upkeepJson(info: UpkeepInfo): Record<string, unknown> {
  return {
    id: info.id.toString(),
    trigger: info.trigger,
    target: info.target,
    forwarder: info.forwarder,
    admin: info.admin,
    performGas: info.performGas.toString(),
    billingToken: info.billingToken,
    billedInNative: info.billedInNative,
    balance: amountJson(info.balance),
    minBalance: amountJson(info.minBalance),
    amountSpent: amountJson(info.amountSpent),
    state: upkeepState(info),
    paused: info.paused,
    cancelled: info.cancelled,
    withdrawableFromBlock: info.withdrawableFromBlock?.toString(),
    logTrigger: info.logTrigger,
    checkData: info.checkData,
    offchainConfig: info.offchainConfig,
    maxGasPriceWei:
      info.gasPriceThreshold.kind === 'maxGasPrice' ? info.gasPriceThreshold.wei.toString() : undefined,
  }
}

function upkeepLine(info: UpkeepInfo, forwarderAllowed: boolean): string {
  const listens = info.logTrigger ? `, listens to ${listensTo(info.logTrigger)}` : ''
  if (info.cancelled) {
    const funds =
      info.balance.units === 0n
        ? 'nothing left to withdraw'
        : `${showAmount(info.balance)} left, withdrawable from block ${info.withdrawableFromBlock}`
    return (
      `upkeep ${info.id}: ${info.trigger}${listens}, closed (cancelled: neither checked nor performed), ${funds}; ` +
      `forwarder ${info.forwarder} ${forwarderAllowed ? 'still holds' : 'does not hold'} FORWARDER_ROLE`
    )
  }
  const funded = isUnderfunded(info) ? 'UNDERFUNDED, not performed' : 'funded above the minimum'
  const threshold =
    info.gasPriceThreshold.kind === 'none' ? '' : `, ${describeOffchainConfig(info.gasPriceThreshold)}`
  return (
    `upkeep ${info.id}: ${info.trigger}${listens}, ${upkeepState(info)}, balance ${showAmount(info.balance)} ` +
    `(minimum ${showAmount(info.minBalance)}: ${funded}), gas limit ${showGas(info.performGas)}${threshold}, forwarder ` +
    `${info.forwarder} ${forwarderAllowed ? 'holds' : 'does NOT hold'} FORWARDER_ROLE`
  )
}

// ---------------------------------------------------------------- registration

/** After registration: the upkeep read back from the registry, and FORWARDER_ROLE granted to its forwarder. */
async function settleRegistration(
  session: Session,
  registry: Contract,
  guardAddress: string,
  id: bigint,
  result: CommandResult,
): Promise<void> {
  const info = await readUpkeep(registry, id)
  if (info.target.toLowerCase() !== guardAddress.toLowerCase()) {
    throw new UpkeepsError(`upkeep ${id} targets ${info.target}, not the guard ${guardAddress}`)
  }
  result.data.upkeep = upkeepJson(info)
  result.lines.push(
    `Upkeep ${id} is registered on ${info.registry}: ${info.trigger}, balance ${showAmount(info.balance)} ` +
      `(the registry's minimum is ${showAmount(info.minBalance)}), forwarder ${info.forwarder}.`,
  )
  const guard = guardContract(guardAddress, session.signer ?? session.connection.provider)
  if (await hasForwarderRole(guard, info.forwarder)) {
    result.lines.push(`The forwarder already holds FORWARDER_ROLE on the guard.`)
    result.data.forwarderAllowed = true
    return
  }
  const grant = await planGrantForwarder(guard, info.forwarder, `upkeep ${id}`)
  if (!(await isGuardAdmin(guard, session.from))) {
    grantForAdmin(session, grant, result)
    return
  }
  await execute(session, { transactions: [grant], notes: [], warnings: [] }, result)
  result.data.forwarderAllowed = !session.dryRun
  if (!session.dryRun) result.lines.push(`The guard now accepts performUpkeep from upkeep ${id}'s forwarder.`)
}

/** The grant a sender who is not the guard's admin cannot send: printed for the admin to send. */
function grantForAdmin(session: Session, grant: PlannedTx, result: CommandResult): void {
  const tx = describeTx(grant)
  result.data.forwarderAllowed = false
  result.data.grantForAdmin = tx
  result.lines.push(
    `${session.from} is not the guard's admin, so it cannot grant FORWARDER_ROLE: until the admin sends this ` +
      `transaction, the guard rejects the upkeep's performs:`,
    `  to: ${tx.to}`,
    `  call: ${tx.call}`,
    `  calldata: ${tx.calldata}`,
  )
}

export async function register(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx
  const result = emptyResult('register')
  const session = await open(ctx, 'register (the key pays for the registration and grants FORWARDER_ROLE)')
  const { connection } = session
  const network = connection.network
  const guard = requiredAddress(options, 'guard')
  const trigger = text(options, 'trigger')
  if (trigger !== 'conditional' && trigger !== 'log' && trigger !== 'mint-log') {
    throw new UpkeepsError(`--trigger is conditional, log or mint-log, not ${trigger}`, 'usage')
  }
  const billingText = text(options, 'billing')!
  let billing: BillingChoice
  if (billingText === 'link' || billingText === 'native') billing = billingText
  else if (isAddress(billingText)) billing = getAddress(billingText)
  else throw new UpkeepsError(`--billing is link, native or a token address, not ${billingText}`, 'usage')
  const feed = address(options, 'feed')
  if (feed && trigger !== 'log') throw new UpkeepsError('--feed is for --trigger log', 'usage')
  const token = address(options, 'token')
  if (token && trigger !== 'mint-log') throw new UpkeepsError('--token is for --trigger mint-log', 'usage')
  const registrarAddress = automationAddress(options, connection, 'registrar')
  const amountText = text(options, 'amount')!
  const maxGasPrice = text(options, 'max-gas-price')
  const plan = await planRegistration(
    connection.provider,
    registrarAddress,
    address(options, 'registry') ?? network?.registry,
    {
      guard,
      trigger,
      feed,
      token,
      billing,
      amount: (decimals) => parseAmount(amountText, decimals),
      gasLimit: integer(options, 'gas-limit')!,
      name: text(options, 'name') ?? `ReserveGuard ${guard}`,
      admin: address(options, 'admin') ?? session.from,
      checkData: hex(options, 'check-data'),
      offchainConfig: maxGasPrice === undefined ? NO_OFFCHAIN_CONFIG : offchainConfigFromGwei(maxGasPrice),
    },
    session.from,
    network?.link,
  )
  result.lines.push(
    `Registering a ${trigger} upkeep on guard ${guard} (${where(connection)}) through the Automation 2.3 registrar ` +
      `${plan.registrar} of registry ${plan.registry}, funded with ${showAmount(plan.funding)}.`,
  )
  Object.assign(result.data, {
    network: network?.name,
    chainId: connection.chainId,
    registrar: plan.registrar,
    registry: plan.registry,
    requestHash: plan.hash,
    funding: amountJson(plan.funding),
    minBalance: amountJson(plan.minBalance),
    params: plan.params,
  })
  if (session.dryRun) {
    await dryRunRegistration(session, guard, plan, result)
    return result
  }
  const receipts = await execute(session, plan, result)
  const outcome = registrationOutcome(receipts[receipts.length - 1], plan.registrar)
  result.data.status = outcome.status
  if (outcome.status === 'pending') {
    const networkFlag = network ? `--network ${network.name}` : `--registrar ${plan.registrar}`
    result.lines.push(
      `Pending: the registrar answered upkeep id 0 and holds request ${outcome.hash} until its owner approves it ` +
        `(on Chainlink's registrars, Chainlink does). The funds wait in the registrar. Once approved, finish with:`,
      `  npm run upkeeps -- finish ${networkFlag} --request ${outcome.hash} --guard ${guard}`,
    )
    return result
  }
  const registry = await openRegistry(session.signer!, plan.registry)
  await settleRegistration(session, registry, guard, outcome.id, result)
  return result
}

/**
 * A registration's dry run: the registration, then the role grant it leads to, for the forwarder the registry
 * will create (predicted from its nonce: the real run reads the forwarder back before granting).
 */
async function dryRunRegistration(
  session: Session,
  guardAddress: string,
  plan: RegistrationPlan,
  result: CommandResult,
): Promise<void> {
  result.data.predictedForwarder = plan.predictedForwarder
  result.data.autoApproved = plan.autoApproved
  if (!plan.autoApproved) {
    await execute(session, plan, result)
    result.lines.push(
      `The registrar will not approve this at once: it keeps request ${plan.hash} (and the funds) until its ` +
        `owner approves it. Then npm run upkeeps -- finish reads the upkeep back and grants its forwarder ` +
        `FORWARDER_ROLE (its own transaction, printed by finish --dry-run).`,
    )
    return
  }
  const guard = guardContract(guardAddress, session.connection.provider)
  const grant = await planGrantForwarder(guard, plan.predictedForwarder, 'the new upkeep')
  const note =
    `the forwarder ${plan.predictedForwarder} is predicted from the registry's nonce: the registry creates one ` +
    `per upkeep, so another registration first changes it; the real run reads the forwarder back (getForwarder) ` +
    `before granting`
  if (await isGuardAdmin(guard, session.from)) {
    await execute(
      session,
      { ...plan, transactions: [...plan.transactions, grant], notes: [...plan.notes, note] },
      result,
    )
    return
  }
  await execute(session, { ...plan, notes: [...plan.notes, note] }, result)
  grantForAdmin(session, grant, result)
}

export async function finish(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx
  const {
    session,
    registrar: registrarAddress,
    hash,
    result,
  } = await requestSession(ctx, 'finish', 'finish (the key grants FORWARDER_ROLE on the guard)')
  const guard = requiredAddress(options, 'guard')
  const { registry } = await openRegistrar(session.connection.provider, registrarAddress)
  const found = await findApproval(
    session.connection.provider,
    registrarAddress,
    hash,
    integer(options, 'from-block'),
  )
  result.data.status = found.status
  if (found.status === 'pending') {
    throw new UpkeepsError(
      `request ${hash} is still pending: the registrar's owner has not approved it yet (on Chainlink's ` +
        `registrars, Chainlink does). Nothing was sent; run finish again once it is approved.`,
      'pending',
    )
  }
  if (found.status === 'cancelled') {
    throw new UpkeepsError(
      `request ${hash} was cancelled at block ${found.block} (by the registrar's owner or the request's admin): ` +
        `its funds went back to its admin; register again to watch the guard`,
    )
  }
  if (found.status === 'unknown') {
    throw new UpkeepsError(
      `the registrar ${registrarAddress} has no pending or approved request ${hash}: it was rejected, cancelled, ` +
        `or made on another registrar (or approved before --from-block)`,
    )
  }
  result.lines.push(`Request ${hash} was approved as upkeep ${found.id}.`)
  await settleRegistration(session, registry, guard, found.id, result)
  return result
}

export async function grantForwarder(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('grant-forwarder')
  const session = await open(ctx, "grant-forwarder (the key must be the guard's admin)")
  const registry = await openRegistry(
    session.connection.provider,
    automationAddress(ctx.options, session.connection, 'registry'),
  )
  const id = upkeepId(text(ctx.options, 'upkeep')!)
  const info = await readUpkeep(registry, id)
  await settleRegistration(session, registry, info.target, id, result)
  return result
}

// ---------------------------------------------------------------- status

export async function status(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx
  const result = emptyResult('status')
  const connection = await readOnly(ctx)
  const network = connection.network
  const guardAddress = requiredAddress(options, 'guard')
  const guard = guardContract(guardAddress, connection.provider)
  await forwarderRoleOf(guard)
  const assets = await readAssets(guard)
  result.data.guard = guardAddress
  result.data.chainId = connection.chainId
  result.data.assets = assets.map((a) => ({
    ...a,
    reserves: a.reserves.toString(),
    supply: a.supply.toString(),
  }))
  result.lines.push(`Guard ${guardAddress} (${where(connection)}): ${assets.length} asset(s).`)
  for (const a of assets) {
    const reserves =
      a.reserveDecimals === undefined ? `${a.reserves}` : `${a.reserves} (${a.reserveDecimals} decimals)`
    const supply =
      a.supplyDecimals === undefined ? `${a.supply}` : `${a.supply} (${a.supplyDecimals} decimals)`
    const reason = a.reason === 'None' ? '' : ` (${a.reason})`
    result.lines.push(
      `  asset ${a.target}: ${a.verdictWords}${reason}; reserves ${reserves}, supply ${supply}; ` +
        `${a.paused ? 'paused' : 'not paused'}`,
    )
  }
  let ids = upkeepIds(options)
  if (ids.length === 0) {
    const registrar = address(options, 'registrar') ?? network?.registrar
    if (!registrar) {
      result.lines.push('No upkeeps shown: pass --upkeep <id>, or --network/--registrar to find them.')
      result.data.upkeeps = []
      return result
    }
    try {
      ids = await upkeepsOfGuard(
        connection.provider,
        registrar,
        guardAddress,
        integer(options, 'from-block') ?? 0,
      )
    } catch (error) {
      throw new UpkeepsError(
        `could not list the registrar's registrations for the guard (the RPC said: ${(error as Error).message.split('\n')[0]}): ` +
          `pass the upkeep ids with --upkeep, or a later --from-block`,
        'failed',
      )
    }
  }
  const registry = await openRegistry(connection.provider, automationAddress(options, connection, 'registry'))
  const upkeeps: Record<string, unknown>[] = []
  const lines: string[] = []
  for (const id of ids) {
    const info = await readUpkeep(registry, id)
    if (info.target.toLowerCase() !== guardAddress.toLowerCase()) {
      throw new UpkeepsError(`upkeep ${id} targets ${info.target}, not the guard ${guardAddress}`, 'usage')
    }
    const allowed = await hasForwarderRole(guard, info.forwarder)
    upkeeps.push({ ...upkeepJson(info), forwarderAllowed: allowed })
    lines.push(`  ${upkeepLine(info, allowed)}`)
  }
  const count = (state: string) => upkeeps.filter((u) => u.state === state).length
  result.lines.push(
    `${ids.length} upkeep(s) on registry ${await registry.getAddress()}: ${count('active')} active, ` +
      `${count('paused')} paused, ${count('closed')} closed:`,
    ...lines,
  )
  result.data.upkeeps = upkeeps
  return result
}

// ---------------------------------------------------------------- registry actions

async function upkeepSession(
  ctx: CommandContext,
  command: string,
  purpose: string,
): Promise<{ session: Session; registry: Contract; info: UpkeepInfo; result: CommandResult }> {
  const session = await open(ctx, purpose)
  const registryAddress = automationAddress(ctx.options, session.connection, 'registry')
  const registry = await openRegistry(session.connection.provider, registryAddress)
  const info = await readUpkeep(registry, upkeepId(text(ctx.options, 'upkeep')!))
  const result = emptyResult(command)
  result.data.upkeepBefore = upkeepJson(info)
  return { session, registry, info, result }
}

async function after(
  registry: Contract,
  info: UpkeepInfo,
  session: Session,
  result: CommandResult,
): Promise<void> {
  if (session.dryRun) return
  const now = await readUpkeep(registry, info.id)
  result.data.upkeep = upkeepJson(now)
  const allowed = await hasForwarderRole(
    guardContract(now.target, session.connection.provider),
    now.forwarder,
  )
  result.lines.push(`Now: ${upkeepLine(now, allowed)}`)
}

export async function fund(ctx: CommandContext): Promise<CommandResult> {
  const { session, registry, info, result } = await upkeepSession(ctx, 'fund', 'fund (the key pays)')
  const amount = parseAmount(text(ctx.options, 'amount')!, info.balance.decimals)
  const plan = await planFund(registry, info, amount, session.from, { wrapped: ctx.options.wrapped === true })
  result.lines.push(
    `Funding upkeep ${info.id} (balance ${showAmount(info.balance)}, minimum ${showAmount(info.minBalance)}).`,
  )
  await execute(session, plan, result)
  await after(registry, info, session, result)
  return result
}

export async function pauseUpkeep(ctx: CommandContext, pause: boolean): Promise<CommandResult> {
  const name = pause ? 'pause-upkeep' : 'unpause-upkeep'
  const { session, registry, info, result } = await upkeepSession(
    ctx,
    name,
    `${name} (the key must be the upkeep's admin)`,
  )
  await execute(session, planPause(registry, info, session.from, pause), result)
  await after(registry, info, session, result)
  return result
}

export async function cancel(ctx: CommandContext): Promise<CommandResult> {
  const { session, registry, info, result } = await upkeepSession(
    ctx,
    'cancel',
    "cancel (the key must be the upkeep's admin)",
  )
  const plan = await planCancel(registry, info, session.from)
  await execute(session, plan, result)
  const withdraw = `npm run upkeeps -- withdraw --upkeep ${info.id}`
  // The registry's owner cancels at once; everyone else (an issuer on Chainlink's networks) waits the delay.
  const ownerNote =
    `you own this registry, and the registry skips its ${plan.delay}-block cancellation delay for its owner; ` +
    `on a Chainlink network the upkeep's admin cancels, and the funds wait ${plan.delay} blocks`
  if (session.dryRun) {
    result.lines.push(
      plan.byOwner
        ? `Its funds would be withdrawable at once: ${ownerNote}.`
        : `Its funds would be withdrawable ${plan.delay} blocks after the block the cancellation is mined in ` +
            `(the registry's cancellation delay).`,
    )
    return result
  }
  const now = await readUpkeep(registry, info.id)
  result.data.upkeep = upkeepJson(now)
  result.data.withdrawableFromBlock = now.withdrawableFromBlock!.toString()
  result.lines.push(
    `Upkeep ${info.id} is closed: its ${showAmount(now.balance)} can be withdrawn from block ` +
      `${now.withdrawableFromBlock}` +
      (plan.byOwner
        ? `, at once: ${ownerNote}. `
        : ` (the registry's cancellation delay of ${plan.delay} blocks). `) +
      `Withdraw with: ${withdraw}`,
  )
  return result
}

/** Changes a registered upkeep through the registry's setters: one transaction per change asked for. */
export async function updateUpkeep(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx
  const { session, registry, info, result } = await upkeepSession(
    ctx,
    'update-upkeep',
    "update-upkeep (the key must be the upkeep's admin)",
  )
  const changes: UpkeepChanges = {}
  const warnings: string[] = []
  const guard = guardContract(info.target, session.connection.provider)
  if (options['gas-limit'] !== undefined) {
    changes.gasLimit = integer(options, 'gas-limit')!
    const warning = await gasLimitWarning(guard, changes.gasLimit)
    if (warning) warnings.push(warning)
  }
  if (options['check-data'] !== undefined) changes.checkData = hex(options, 'check-data')
  const feed = address(options, 'feed')
  if (feed) {
    const source = await resolveLogSource(session.connection.provider, feed)
    const trigger = answerUpdatedTrigger(source.emitter, (await guard.ANSWER_UPDATED_TOPIC()) as string)
    changes.triggerConfig = {
      encoded: trigger.encoded,
      description:
        `listens to ${source.emitter}'s AnswerUpdated` +
        (source.viaProxy ? ` (the aggregator behind ${feed})` : ''),
    }
  }
  const maxGasPrice = text(options, 'max-gas-price')
  if (maxGasPrice !== undefined) changes.offchainConfig = offchainConfigFromGwei(maxGasPrice)
  const plan = await planUpdate(registry, info, session.from, changes)
  plan.warnings.push(...warnings)
  result.lines.push(`Changing upkeep ${info.id} on registry ${info.registry} (${where(session.connection)}).`)
  await execute(session, plan, result)
  await after(registry, info, session, result)
  return result
}

export async function transferAdmin(ctx: CommandContext): Promise<CommandResult> {
  const { session, registry, info, result } = await upkeepSession(
    ctx,
    'transfer-admin',
    "transfer-admin (the key must be the upkeep's admin)",
  )
  const to = requiredAddress(ctx.options, 'to')
  await execute(session, planTransferAdmin(registry, info, session.from, to), result)
  return result
}

export async function acceptAdmin(ctx: CommandContext): Promise<CommandResult> {
  const { session, registry, info, result } = await upkeepSession(
    ctx,
    'accept-admin',
    'accept-admin (the key must be the proposed admin)',
  )
  await execute(session, await planAcceptAdmin(registry, info, session.from), result)
  if (!session.dryRun) result.lines.push(`${session.from} is now upkeep ${info.id}'s admin.`)
  await after(registry, info, session, result)
  return result
}

/** The registrar's request commands: its hash, checked, and the registrar. */
async function requestSession(
  ctx: CommandContext,
  command: string,
  purpose: string,
): Promise<{ session: Session; registrar: string; hash: string; result: CommandResult }> {
  const session = await open(ctx, purpose)
  const hash = text(ctx.options, 'request')!
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash))
    throw new UpkeepsError(`--request must be a 32-byte hash, got ${hash}`, 'usage')
  const result = emptyResult(command)
  result.data.requestHash = hash
  return { session, registrar: automationAddress(ctx.options, session.connection, 'registrar'), hash, result }
}

export async function approveRequest(ctx: CommandContext): Promise<CommandResult> {
  const { session, registrar, hash, result } = await requestSession(
    ctx,
    'approve-request',
    "approve-request (the key must be the registrar's owner)",
  )
  const plan = await planApproveRequest(
    session.connection.provider,
    registrar,
    hash,
    session.from,
    integer(ctx.options, 'from-block'),
  )
  const receipts = await execute(session, plan, result)
  if (receipts.length > 0) {
    const outcome = registrationOutcome(receipts[0], registrar)
    if (outcome.status === 'registered') {
      result.data.upkeepId = outcome.id.toString()
      result.lines.push(`Request ${hash} is approved: upkeep ${outcome.id}.`)
    }
  }
  return result
}

export async function cancelRequest(ctx: CommandContext): Promise<CommandResult> {
  const { session, registrar, hash, result } = await requestSession(
    ctx,
    'cancel-request',
    "cancel-request (the key must be the registrar's owner or the request's admin)",
  )
  await execute(
    session,
    await planCancelRequest(session.connection.provider, registrar, hash, session.from),
    result,
  )
  if (!session.dryRun) result.lines.push(`Request ${hash} is cancelled: its funds went back to its admin.`)
  return result
}

export async function withdraw(ctx: CommandContext): Promise<CommandResult> {
  const { session, registry, info, result } = await upkeepSession(
    ctx,
    'withdraw',
    "withdraw (the key must be the upkeep's admin)",
  )
  const to = address(ctx.options, 'to') ?? session.from
  await execute(session, await planWithdraw(registry, info, session.from, to), result)
  await after(registry, info, session, result)
  return result
}

// ---------------------------------------------------------------- local deployment, runner

export async function local(ctx: CommandContext): Promise<CommandResult> {
  const result = emptyResult('local')
  const connection = await readOnly(ctx)
  if (!isDevChain(connection.chainId)) {
    throw new UpkeepsError(
      `local deploys a throwaway Automation 2.3 for rehearsals, and chain ${connection.chainId} is not a development ` +
        `chain (${DEV_CHAIN_IDS.join(', ')}): point --rpc-url at a local node (npx hardhat node, anvil; a fork needs ` +
        `--chain-id 31337 for this)`,
      'usage',
    )
  }
  const deployer = signerFromEnv(ctx.env, connection, 'local (the key deploys and owns the local registry)')
  const deployment = await deployLocalAutomation(deployer, {
    autoApprove: ctx.options.pending !== true,
    maxPerformDataSize: integer(ctx.options, 'max-perform-data-size'),
  })
  const file = writeLocalDeployment(ctx.env, deployment)
  const { don, ...addresses } = deployment
  result.data.deployment = addresses
  result.data.file = file
  result.lines.push(
    `Deployed Chainlink Automation 2.3 on chain ${deployment.chainId}, owned by ${deployment.owner}:`,
    `  registry  ${deployment.registry} (logic A ${deployment.logic.a}, B ${deployment.logic.b}, C ${deployment.logic.c})`,
    `  registrar ${deployment.registrar} (${ctx.options.pending === true ? 'registrations wait for the owner' : 'approves every registration'})`,
    `  LINK      ${deployment.link} (1,000,000 LINK minted to the owner)`,
    `  wrapped native ${deployment.wrappedNative}; price feeds (mocks) LINK/USD ${deployment.feeds.linkUsd}, ` +
      `native/USD ${deployment.feeds.nativeUsd}, fast gas ${deployment.feeds.fastGas}`,
    `  DON: f = ${don.f}, ${don.signers.length} signers and transmitters, keys in ${file} (throwaway, local only, not committed)`,
    `Use it with --network local.`,
  )
  return result
}

function checkLine(check: CheckOutcome): string {
  const what = check.log ? `log ${check.log.txHash}#${check.log.index}` : 'block'
  const verdict = check.upkeepNeeded
    ? 'upkeep needed'
    : check.failureReason === 'UPKEEP_NOT_NEEDED'
      ? 'not needed'
      : check.failureReason
  return `[block ${check.block}] upkeep ${check.upkeepId} (${check.trigger}, ${what}): ${verdict}, check gas ${showGas(check.gasUsed)}`
}

function performLine(perform: PerformOutcome): string {
  const charged = perform.charged ? `, charged ${showAmount(perform.charged)}` : ''
  const events = perform.guardEvents.length
    ? `; guard: ${perform.guardEvents.map((e) => e.text).join('; ')}`
    : ''
  return (
    `[block ${perform.block}] upkeep ${perform.upkeepId} performed (${perform.mode}): ` +
    `${perform.success ? 'success' : 'FAILED'}, tx ${perform.txHash}, gas ${showGas(perform.gasUsed)}${charged}, ` +
    `balance ${showAmount(perform.balance)}${events}`
  )
}

export async function run(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx
  const result = emptyResult('run')
  const connection = await readOnly(ctx)
  const network = connection.network
  const registryAddress = automationAddress(options, connection, 'registry')
  let ids = upkeepIds(options)
  const guard = address(options, 'guard')
  if (ids.length === 0 && guard) {
    const registrar = automationAddress(options, connection, 'registrar')
    ids = await upkeepsOfGuard(connection.provider, registrar, guard, 0)
    if (ids.length === 0)
      throw new UpkeepsError(`the registrar ${registrar} registered no upkeep for ${guard}`)
  }
  if (ids.length === 0)
    throw new UpkeepsError('run needs --upkeep <id> (repeat) or --guard <address>', 'usage')

  const requested = text(options, 'mode')!
  const localDon =
    network?.local && network.local.registry.toLowerCase() === registryAddress.toLowerCase()
      ? network.local.don
      : undefined
  let mode: RunnerMode
  if (requested === 'transmit' || (requested === 'auto' && localDon)) {
    if (!localDon) {
      throw new UpkeepsError(
        'transmit needs the DON keys of the registry, which only a local deployment (npm run upkeeps -- local) ' +
          'holds; on other chains use --mode impersonate (a fork) or --mode forwarder-key',
        'usage',
      )
    }
    mode = { kind: 'transmit', don: localDon }
  } else if (requested === 'auto' || requested === 'impersonate') {
    mode = { kind: 'impersonate' }
  } else if (requested === 'forwarder-key') {
    mode = {
      kind: 'forwarder-key',
      signer: signerFromEnv(ctx.env, connection, 'run --mode forwarder-key (the key performs)'),
    }
  } else {
    throw new UpkeepsError(
      `--mode is auto, transmit, impersonate or forwarder-key, not ${requested}`,
      'usage',
    )
  }
  const runner = await UpkeepRunner.create({
    provider: connection.provider,
    registry: registryAddress,
    upkeepIds: ids,
    mode,
    fromBlock: integer(options, 'from-block'),
    pollIntervalMs: integer(options, 'interval-ms'),
  })
  const checks: CheckOutcome[] = []
  const performs: PerformOutcome[] = []
  const problems: string[] = []
  const json = options.json === true
  const say = (line: string) => {
    result.lines.push(line)
    if (!json) ctx.print(line)
  }
  say(
    `Local automation runner (${where(connection)}), registry ${registryAddress}, ` +
      `${runner.upkeepIds.length} upkeep(s).`,
  )
  say(`Mode: ${runner.modeDescription}`)
  say('This is a rehearsal tool: it does not replace the Chainlink Automation network.')
  for (const id of runner.closed) say(`Not checked: upkeep ${id} is cancelled (closed).`)
  runner.on('check', (check: CheckOutcome) => {
    checks.push(check)
    say(checkLine(check))
  })
  runner.on('perform', (perform: PerformOutcome) => {
    performs.push(perform)
    say(performLine(perform))
  })
  runner.on('problem', ({ message }: { message: string }) => {
    problems.push(message)
    say(`Problem: ${message}`)
  })
  runner.on('tickError', (error: Error) => say(`Error: ${error.message.split('\n')[0]}`))
  runner.on('closed', (id: bigint) => say(`Upkeep ${id} was cancelled: it is no longer checked.`))
  const blocks = integer(options, 'blocks')
  if (options.once === true) {
    await runner.tick()
    for (const line of runner.statusLines()) say(`status: ${line}`)
  } else {
    let ticks = 0
    const done = new Promise<void>((resolve) => {
      runner.on('ticked', () => {
        ticks++
        for (const line of runner.statusLines()) say(`status: ${line}`)
        if (blocks !== undefined && ticks >= blocks) resolve()
      })
    })
    runner.start()
    await Promise.race([done, ctx.interrupted ?? new Promise(() => undefined)])
    await runner.stop()
  }
  result.data = {
    command: 'run',
    closed: runner.closed.map(String),
    mode: runner.mode,
    modeDescription: runner.modeDescription,
    checks,
    performs,
    problems,
  }
  return result
}

export async function networks(): Promise<CommandResult> {
  const result = emptyResult('networks')
  const entries = loadNetworks()
  result.data.networks = entries
  for (const [name, entry] of Object.entries(entries)) {
    result.lines.push(`${name} (chain ${entry.chainId}, Automation ${entry.automation}):`)
    if (entry.registry && entry.registrar) {
      result.lines.push(
        `  registry  ${entry.registry.address}  from ${entry.registry.source}`,
        `  registrar ${entry.registrar.address}  from ${entry.registrar.source}`,
      )
    } else {
      result.lines.push(
        `  registry, registrar: not configured, pass --registry and --registrar. ${entry.unlisted}`,
      )
    }
    result.lines.push(`  LINK      ${entry.link.address}  from ${entry.link.source}`)
  }
  result.lines.push('local: filled at run time by npm run upkeeps -- local')
  return result
}
