/**
 * Registering a guard with the Automation 2.3 registrar: the registrar and its registry checked (2.1 is
 * refused), `RegistrationParams` encoded from the registrar's compiled ABI, paid in the billing token of the
 * user's choice (LINK through `transferAndCall`, the native token as value, or another ERC-20 the registry
 * accepts), then the outcome read back: the upkeep id, or the pending request when the registrar waits for
 * its owner's approval.
 */
import { Contract, ZeroAddress, getCreateAddress, type Provider, type TransactionReceipt } from 'ethers'
import {
  AutoApproveType,
  Trigger,
  encodeRegistrationParams,
  linkTokenInterface,
  registrarInterface,
  registrationHash,
  registrationParamsType,
  type RegistrationParams,
} from '#chain/automation'
import { UpkeepsError } from './errors'
import { answerUpdatedTrigger, isMintTrigger, mintTrigger, resolveLogSource } from './feed'
import { forwarderRoleOf, gasLimitWarning, guardContract, readAssets } from './guard'
import { showAmount, type TokenAmount } from './format'
import {
  checkAutomationVersion,
  openRegistry,
  readUpkeep,
  tokenAmount,
  typeAndVersionOf,
  type Plan,
} from './registry'
import type { PlannedTx } from './tx'

/** The registrar, checked to be Automation 2.3, and its registry (checked too). */
export async function openRegistrar(
  provider: Provider,
  address: string,
  expectedRegistry?: string,
): Promise<{ registrar: Contract; registry: Contract }> {
  const version = await typeAndVersionOf(provider, address, 'registrar')
  checkAutomationVersion('registrar', address, version, 'AutomationRegistrar 2.3')
  const registrar = new Contract(address, registrarInterface(), provider)
  const registryAddress = (await registrar.getRegistry()) as string
  if (expectedRegistry && registryAddress.toLowerCase() !== expectedRegistry.toLowerCase()) {
    throw new UpkeepsError(
      `the registrar ${address} registers on ${registryAddress}, not on the configured registry ${expectedRegistry}`,
    )
  }
  return { registrar, registry: await openRegistry(provider, registryAddress) }
}

export type BillingChoice = 'link' | 'native' | string

/**
 * What wakes an upkeep: every block (`conditional`), a feed's `AnswerUpdated` (`log`), or a token's mint (`mint-log`:
 * a log trigger on `Transfer` from the zero address).
 */
export type RegistrationTrigger = 'conditional' | 'log' | 'mint-log'

/** How a registration names its upkeep's trigger. */
const TRIGGER_WORDS: Record<RegistrationTrigger, string> = {
  conditional: 'a conditional',
  log: "a log-trigger (a feed's AnswerUpdated)",
  'mint-log': "a log-trigger (a token's mints)",
}

export interface RegistrationRequest {
  guard: string
  trigger: RegistrationTrigger
  /** for a log trigger: the feed whose AnswerUpdated wakes the guard (default: the guard's only feed) */
  feed?: string
  /** for a mint-log trigger: the token whose mints wake the guard (default: the guard's only token) */
  token?: string
  billing: BillingChoice
  /** the amount in the billing token's own units, as typed (parsed exactly at its decimals) */
  amount: (decimals: number) => bigint
  gasLimit: number
  name: string
  admin: string
  checkData: string
  offchainConfig: string
}

export interface RegistrationPlan extends Plan {
  params: RegistrationParams
  hash: string
  /** whether the registrar will approve at once (its auto-approval settings for this trigger and sender) */
  autoApproved: boolean
  /**
   * the forwarder the registry will create for the upkeep, predicted from the registry's nonce (it creates a
   * forwarder per upkeep, with CREATE): right unless another upkeep is registered on it first
   */
  predictedForwarder: string
  funding: TokenAmount
  /** the minimum balance the registry will require for this gas limit (getMaxPaymentForGas) */
  minBalance: TokenAmount
  registry: string
  registrar: string
}

/**
 * The distinct tokens of a guard's assets, for the mint-log trigger's default: a token whose supply it reads, else
 * the target (a token protected through a supply feed).
 */
async function guardTokens(guard: Contract): Promise<string[]> {
  const tokens = new Set<string>()
  for (const asset of await readAssets(guard)) {
    tokens.add(asset.supplyKind === 'TokenTotalSupply' ? asset.supplySource : asset.target)
  }
  return [...tokens]
}

/** The distinct feeds a guard reads (reserve feeds, and supply feeds), for the log trigger's default. */
async function guardFeeds(guard: Contract): Promise<string[]> {
  const feeds = new Set<string>()
  for (const asset of await readAssets(guard)) {
    feeds.add(asset.reserveFeed)
    if (asset.supplyKind === 'SupplyFeed') feeds.add(asset.supplySource)
  }
  return [...feeds]
}

export async function planRegistration(
  provider: Provider,
  registrarAddress: string,
  expectedRegistry: string | undefined,
  request: RegistrationRequest,
  from: string,
  configuredLink?: string,
): Promise<RegistrationPlan> {
  const { registrar, registry } = await openRegistrar(provider, registrarAddress, expectedRegistry)
  const registryAddress = await registry.getAddress()
  const guard = guardContract(request.guard, provider)
  await forwarderRoleOf(guard) // a ReserveGuard, or a clear error
  const notes: string[] = []
  const warnings: string[] = []

  // Billing token.
  const link = (await registry.getLinkAddress()) as string
  if (configuredLink && configuredLink.toLowerCase() !== link.toLowerCase()) {
    throw new UpkeepsError(
      `the registry's LINK is ${link}, not the configured ${configuredLink}: check networks.json`,
    )
  }
  const wrappedNative = (await registry.getWrappedNativeTokenAddress()) as string
  let billingToken: string
  if (request.billing === 'link') billingToken = link
  else if (request.billing === 'native') billingToken = wrappedNative
  else billingToken = request.billing
  if (!(await registry.supportsBillingToken(billingToken))) {
    const accepted = ((await registry.getBillingTokens()) as string[]).join(', ')
    throw new UpkeepsError(`the registry does not bill in ${billingToken}; it accepts: ${accepted}`, 'usage')
  }
  const payInNative = request.billing === 'native'
  const token = await tokenAmount(provider, billingToken, 0n)
  const amount = request.amount(token.decimals)
  const funding = {
    ...token,
    units: amount,
    symbol: payInNative ? `${token.symbol} (paid in native)` : token.symbol,
  }

  // Limits the registry and registrar enforce, checked before anything is sent.
  const config = await registry.getConfig()
  if (request.gasLimit < 2_300 || BigInt(request.gasLimit) > BigInt(config.maxPerformGas)) {
    throw new UpkeepsError(
      `--gas-limit must be between 2300 and the registry's ${config.maxPerformGas}`,
      'usage',
    )
  }
  const gasWarning = await gasLimitWarning(guard, request.gasLimit)
  if (gasWarning) warnings.push(gasWarning)
  if ((request.checkData.length - 2) / 2 > Number(config.maxCheckDataSize)) {
    throw new UpkeepsError(
      `--check-data is longer than the registry's ${config.maxCheckDataSize} bytes`,
      'usage',
    )
  }
  const minRegistration = BigInt(await registrar.getMinimumRegistrationAmount(billingToken))
  if (amount < minRegistration) {
    throw new UpkeepsError(
      `the registrar asks for at least ${showAmount({ ...token, units: minRegistration })} to register, ` +
        `not ${showAmount(funding)}`,
      'usage',
    )
  }
  const held = payInNative
    ? await provider.getBalance(from)
    : ((await new Contract(billingToken, linkTokenInterface(), provider).balanceOf(from)) as bigint)
  if (held < amount) {
    const what = payInNative ? `${held} wei of native` : showAmount({ ...token, units: held })
    throw new UpkeepsError(`${from} holds ${what}, less than the ${showAmount(funding)} to register with`)
  }

  // The trigger.
  let triggerConfig = '0x'
  if (request.trigger === 'log') {
    let feed = request.feed
    if (!feed) {
      const feeds = await guardFeeds(guard)
      if (feeds.length !== 1) {
        throw new UpkeepsError(
          `a log trigger listens to one feed, and the guard reads ${feeds.length === 0 ? 'none' : feeds.join(', ')}: ` +
            `pass --feed (one log-trigger upkeep per feed)`,
          'usage',
        )
      }
      feed = feeds[0]
      notes.push(`the guard reads one feed, ${feed}: the log trigger listens to it`)
    }
    const source = await resolveLogSource(provider, feed)
    notes.push(source.note)
    triggerConfig = answerUpdatedTrigger(
      source.emitter,
      (await guard.ANSWER_UPDATED_TOPIC()) as string,
    ).encoded
  }
  if (request.trigger === 'mint-log') {
    let token = request.token
    if (!token) {
      const tokens = await guardTokens(guard)
      if (tokens.length !== 1) {
        throw new UpkeepsError(
          `a mint-log trigger listens to one token, and the guard protects ${tokens.length === 0 ? 'none' : tokens.join(', ')}: ` +
            `pass --token (one mint-log upkeep per token)`,
          'usage',
        )
      }
      token = tokens[0]
      notes.push(`the guard protects one token, ${token}: the mint-log trigger listens to its mints`)
    }
    if ((await provider.getCode(token)) === '0x') {
      throw new UpkeepsError(`the token ${token} is not a contract on this chain`, 'usage')
    }
    notes.push(
      `the trigger filters ${token}'s Transfer logs from the zero address (its mints): the guard checks every ` +
        `asset on each, and pauses in the next block a supply its reserves no longer cover`,
    )
    triggerConfig = mintTrigger(token, (await guard.TRANSFER_TOPIC()) as string).encoded
  }
  const triggerType = request.trigger === 'conditional' ? Trigger.CONDITION : Trigger.LOG

  warnings.push(
    ...(await alsoWatching(
      provider,
      registrarAddress,
      registry,
      request.guard,
      triggerType === Trigger.LOG ? 'log' : 'conditional',
      triggerConfig,
    )),
  )

  const params: RegistrationParams = {
    upkeepContract: request.guard,
    amount,
    adminAddress: request.admin,
    gasLimit: request.gasLimit,
    triggerType,
    billingToken,
    name: request.name,
    encryptedEmail: '0x',
    checkData: request.checkData,
    triggerConfig,
    offchainConfig: request.offchainConfig,
  }
  const minBalance = {
    ...token,
    units: BigInt(await registry.getMaxPaymentForGas(0, triggerType, request.gasLimit, billingToken)),
  }
  if (amount < minBalance.units) {
    warnings.push(
      `${showAmount(funding)} is below the ${showAmount(minBalance)} the registry requires for a gas limit of ` +
        `${request.gasLimit} (getMinBalance): the upkeep would be registered but not performed until funded`,
    )
  }

  const transactions: PlannedTx[] = []
  const what = `register ${TRIGGER_WORDS[request.trigger]} upkeep on the guard`
  if (billingToken.toLowerCase() === link.toLowerCase()) {
    const linkToken = new Contract(link, linkTokenInterface(), provider)
    transactions.push({
      to: link,
      value: 0n,
      data: linkToken.interface.encodeFunctionData('transferAndCall', [
        registrarAddress,
        amount,
        encodeRegistrationParams(params),
      ]),
      description: `${what}, paying ${showAmount(funding)} (LINK transferAndCall to the registrar)`,
      iface: linkToken.interface,
    })
  } else if (payInNative) {
    transactions.push({
      to: registrarAddress,
      value: amount,
      data: registrar.interface.encodeFunctionData('registerUpkeep', [params]),
      description: `${what}, paying ${showAmount(funding)} (the registrar wraps it)`,
      iface: registrar.interface,
    })
  } else {
    const erc20 = new Contract(billingToken, linkTokenInterface(), provider)
    transactions.push(
      {
        to: billingToken,
        value: 0n,
        data: erc20.interface.encodeFunctionData('approve', [registrarAddress, amount]),
        description: `allow the registrar to take ${showAmount(funding)}`,
        iface: erc20.interface,
      },
      {
        to: registrarAddress,
        value: 0n,
        data: registrar.interface.encodeFunctionData('registerUpkeep', [params]),
        description: `${what}, paying ${showAmount(funding)}`,
        iface: registrar.interface,
      },
    )
  }
  const approval = await registrar.getTriggerRegistrationDetails(params.triggerType)
  const autoApproved =
    BigInt(approval.autoApproveType) !== AutoApproveType.DISABLED &&
    (BigInt(approval.autoApproveType) !== AutoApproveType.ENABLED_SENDER_ALLOWLIST ||
      ((await registrar.getAutoApproveAllowedSender(from)) as boolean)) &&
    BigInt(approval.approvedCount) < BigInt(approval.autoApproveMaxAllowed)
  return {
    transactions,
    notes,
    warnings,
    params,
    hash: registrationHash(params),
    autoApproved,
    predictedForwarder: getCreateAddress({
      from: registryAddress,
      nonce: await provider.getTransactionCount(registryAddress),
    }),
    funding,
    minBalance,
    registry: registryAddress,
    registrar: registrarAddress,
  }
}

/**
 * Warnings for the guard's other live upkeeps of the same trigger (found through the registrar's events): each
 * is checked and charged on its own, so two conditional upkeeps, or two log upkeeps on the same feed, pay twice
 * for one shortfall.
 */
async function alsoWatching(
  provider: Provider,
  registrarAddress: string,
  registry: Contract,
  guard: string,
  trigger: 'conditional' | 'log',
  triggerConfig: string,
): Promise<string[]> {
  let ids: bigint[]
  try {
    ids = await upkeepsOfGuard(provider, registrarAddress, guard, 0)
  } catch {
    return [
      `could not list the guard's other upkeeps (the RPC refused the registrar's event range): check with ` +
        `npm run upkeeps -- status that no other ${trigger} upkeep already watches it`,
    ]
  }
  const warnings: string[] = []
  for (const id of ids) {
    const other = await readUpkeep(registry, id)
    if (other.cancelled || other.trigger !== trigger) continue
    if (
      trigger === 'log' &&
      ((await registry.getUpkeepTriggerConfig(id)) as string).toLowerCase() !== triggerConfig.toLowerCase()
    )
      continue
    const same =
      trigger === 'log'
        ? isMintTrigger(other.logTrigger!)
          ? `a mint-log upkeep on the same token (${other.logTrigger!.contractAddress})`
          : `a log-trigger upkeep on the same feed (${other.logTrigger!.contractAddress})`
        : 'a conditional upkeep'
    warnings.push(
      `upkeep ${id} is already ${same} on this guard${other.paused ? ' (paused)' : ''}: both will be checked, ` +
        `and both will be charged for each perform when the guard is short. Change that one instead ` +
        `(npm run upkeeps -- update-upkeep --upkeep ${id}), or cancel it once this one runs.`,
    )
  }
  return warnings
}

/** A pending request's parameters, read back from the registrar's `RegistrationRequested` event. */
export async function pendingRequestParams(
  provider: Provider,
  registrarAddress: string,
  hash: string,
  fromBlock = 0,
): Promise<RegistrationParams> {
  const iface = registrarInterface()
  const requested = iface.getEvent('RegistrationRequested')!
  const [log] = await provider.getLogs({
    address: registrarAddress,
    topics: [requested.topicHash, hash],
    fromBlock,
  })
  if (!log) {
    throw new UpkeepsError(
      `the registrar ${registrarAddress} has no RegistrationRequested event for ${hash} (from block ${fromBlock})`,
    )
  }
  const event = iface.parseLog(log)!
  const params = Object.fromEntries(
    registrationParamsType().components!.map((field) => [field.name, event.args.getValue(field.name)]),
  ) as unknown as RegistrationParams
  if (registrationHash(params) !== hash) {
    throw new UpkeepsError(
      `the request read back from ${registrarAddress} does not hash to ${hash}`,
      'failed',
    )
  }
  return params
}

/** The registrar's view of a request: its owner, and the pending request's admin and balance. */
async function pendingRequest(
  provider: Provider,
  registrarAddress: string,
  hash: string,
): Promise<{ registrar: Contract; owner: string; admin: string; balance: bigint }> {
  const { registrar } = await openRegistrar(provider, registrarAddress)
  const [admin, balance] = (await registrar.getPendingRequest(hash)) as [string, bigint]
  if (admin === ZeroAddress) {
    throw new UpkeepsError(
      `the registrar ${registrarAddress} holds no pending request ${hash}: it was approved, cancelled, or made elsewhere ` +
        `(npm run upkeeps -- finish tells which)`,
    )
  }
  return { registrar, owner: (await registrar.owner()) as string, admin, balance }
}

/** The registrar's owner approves a pending request (on Chainlink's networks, Chainlink is that owner). */
export async function planApproveRequest(
  provider: Provider,
  registrarAddress: string,
  hash: string,
  from: string,
  fromBlock = 0,
): Promise<Plan> {
  const { registrar, owner } = await pendingRequest(provider, registrarAddress, hash)
  if (owner.toLowerCase() !== from.toLowerCase()) {
    throw new UpkeepsError(
      `only the registrar's owner ${owner} approves requests, and the key in use is ${from}: on Chainlink's ` +
        `networks Chainlink does; this command is for a registrar of your own (npm run upkeeps -- local --pending)`,
    )
  }
  const params = await pendingRequestParams(provider, registrarAddress, hash, fromBlock)
  return {
    transactions: [
      {
        to: registrarAddress,
        value: 0n,
        data: registrar.interface.encodeFunctionData('approve', [params]),
        description: `approve request ${hash}: register ${params.name} (upkeep contract ${params.upkeepContract})`,
        iface: registrar.interface,
      },
    ],
    notes: [
      `then the request's admin reads the upkeep back and grants its forwarder FORWARDER_ROLE: ` +
        `npm run upkeeps -- finish --request ${hash} --guard ${params.upkeepContract}`,
    ],
    warnings: [],
  }
}

/** The registrar's owner, or the request's admin, cancels a pending request: its funds go back to the admin. */
export async function planCancelRequest(
  provider: Provider,
  registrarAddress: string,
  hash: string,
  from: string,
): Promise<Plan> {
  const { registrar, owner, admin, balance } = await pendingRequest(provider, registrarAddress, hash)
  if (![owner, admin].some((who) => who.toLowerCase() === from.toLowerCase())) {
    throw new UpkeepsError(
      `only the registrar's owner ${owner} or the request's admin ${admin} may cancel request ${hash}; the key in use is ${from}`,
    )
  }
  return {
    transactions: [
      {
        to: registrarAddress,
        value: 0n,
        data: registrar.interface.encodeFunctionData('cancel', [hash]),
        description: `cancel request ${hash}, returning its ${balance} units of the billing token to its admin ${admin}`,
        iface: registrar.interface,
      },
    ],
    notes: ['a cancelled request cannot be approved: register again to watch the guard'],
    warnings: [],
  }
}

export type RegistrationOutcome =
  { status: 'registered'; id: bigint; hash: string } | { status: 'pending'; hash: string }

/**
 * What the registrar did with a registration: the id if it approved it at once, else the pending request
 * (the registrar answers id 0 and keeps the request until its owner approves it).
 */
export function registrationOutcome(
  receipt: TransactionReceipt,
  registrarAddress: string,
): RegistrationOutcome {
  const iface = registrarInterface()
  const requested = iface.getEvent('RegistrationRequested')!.topicHash
  const approved = iface.getEvent('RegistrationApproved')!.topicHash
  let hash: string | undefined
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== registrarAddress.toLowerCase()) continue
    if (log.topics[0] === approved)
      return { status: 'registered', id: BigInt(log.topics[2]), hash: log.topics[1] }
    if (log.topics[0] === requested) hash = log.topics[1]
  }
  if (!hash)
    throw new UpkeepsError('the registration transaction left no RegistrationRequested event', 'failed')
  return { status: 'pending', hash }
}

/** A request's fate: approved (with the id), still pending, cancelled (with the block), or never seen. */
export async function findApproval(
  provider: Provider,
  registrarAddress: string,
  hash: string,
  fromBlock = 0,
): Promise<
  | RegistrationOutcome
  | { status: 'cancelled'; hash: string; block: number }
  | { status: 'unknown'; hash: string }
> {
  const registrar = new Contract(registrarAddress, registrarInterface(), provider)
  const eventLogs = (name: string) =>
    provider.getLogs({
      address: registrarAddress,
      topics: [registrar.interface.getEvent(name)!.topicHash, hash],
      fromBlock,
    })
  const approved = await eventLogs('RegistrationApproved')
  if (approved.length > 0) return { status: 'registered', id: BigInt(approved[0].topics[2]), hash }
  const [admin] = (await registrar.getPendingRequest(hash)) as [string, bigint]
  if (admin !== ZeroAddress) return { status: 'pending', hash }
  const rejected = await eventLogs('RegistrationRejected')
  return rejected.length > 0
    ? { status: 'cancelled', hash, block: rejected[0].blockNumber }
    : { status: 'unknown', hash }
}

/** Upkeep ids the registrar registered for a guard, from its events (RPCs may limit the block range). */
export async function upkeepsOfGuard(
  provider: Provider,
  registrarAddress: string,
  guard: string,
  fromBlock: number,
): Promise<bigint[]> {
  const iface = registrarInterface()
  const requested = iface.getEvent('RegistrationRequested')!
  const approved = iface.getEvent('RegistrationApproved')!
  const guardTopic = '0x' + guard.toLowerCase().slice(2).padStart(64, '0')
  const requests = await provider.getLogs({
    address: registrarAddress,
    topics: [requested.topicHash, null, guardTopic],
    fromBlock,
  })
  if (requests.length === 0) return []
  const hashes = [...new Set(requests.map((log) => log.topics[1]))]
  const approvals = await provider.getLogs({
    address: registrarAddress,
    topics: [approved.topicHash, hashes],
    fromBlock,
  })
  return [...new Set(approvals.map((log) => BigInt(log.topics[2])))]
}
