/**
 * Registering a guard with the Automation 2.3 registrar: the registrar and its registry checked (2.1 is
 * refused), `RegistrationParams` encoded from the registrar's compiled ABI, paid in the billing token of the
 * user's choice (LINK through `transferAndCall`, the native token as value, or another ERC-20 the registry
 * accepts), then the outcome read back: the upkeep id, or the pending request when the registrar waits for
 * its owner's approval.
 */
import { Contract, ZeroAddress, type Provider, type TransactionReceipt } from 'ethers'
import {
  Trigger,
  encodeRegistrationParams,
  linkTokenInterface,
  registrarInterface,
  registrationHash,
  type RegistrationParams,
} from '#chain/automation'
import { UpkeepsError } from './errors'
import { answerUpdatedTrigger, resolveLogSource } from './feed'
import { forwarderRoleOf, guardContract, readAssets } from './guard'
import { showAmount, type TokenAmount } from './format'
import { checkAutomationVersion, openRegistry, tokenAmount, typeAndVersionOf, type Plan } from './registry'
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

export interface RegistrationRequest {
  guard: string
  trigger: 'conditional' | 'log'
  /** for a log trigger: the feed whose AnswerUpdated wakes the guard (default: the guard's only feed) */
  feed?: string
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
  funding: TokenAmount
  /** the minimum balance the registry will require for this gas limit (getMaxPaymentForGas) */
  minBalance: TokenAmount
  registry: string
  registrar: string
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
  const minimumGas = BigInt(await guard.MIN_GAS_PER_ASSET()) + 50_000n
  if (BigInt(request.gasLimit) < minimumGas) {
    warnings.push(
      `a gas limit of ${request.gasLimit} is below the ${minimumGas} one pause needs (MIN_GAS_PER_ASSET + 50,000): ` +
        `the guard would stop before pausing anything (PerformGasExhausted)`,
    )
  }
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

  const params: RegistrationParams = {
    upkeepContract: request.guard,
    amount,
    adminAddress: request.admin,
    gasLimit: request.gasLimit,
    triggerType: request.trigger === 'log' ? Trigger.LOG : Trigger.CONDITION,
    billingToken,
    name: request.name,
    encryptedEmail: '0x',
    checkData: request.checkData,
    triggerConfig,
    offchainConfig: request.offchainConfig,
  }
  const triggerType = params.triggerType
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
  const what = `register ${request.trigger === 'log' ? 'a log-trigger' : 'a conditional'} upkeep on the guard`
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
  return {
    transactions,
    notes,
    warnings,
    params,
    hash: registrationHash(params),
    funding,
    minBalance,
    registry: registryAddress,
    registrar: registrarAddress,
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

/** A pending request's fate: approved (with the id), still pending, or gone (rejected or never made). */
export async function findApproval(
  provider: Provider,
  registrarAddress: string,
  hash: string,
  fromBlock = 0,
): Promise<RegistrationOutcome | { status: 'unknown'; hash: string }> {
  const registrar = new Contract(registrarAddress, registrarInterface(), provider)
  const approved = registrar.interface.getEvent('RegistrationApproved')!
  const logs = await provider.getLogs({
    address: registrarAddress,
    topics: [approved.topicHash, hash],
    fromBlock,
  })
  if (logs.length > 0) return { status: 'registered', id: BigInt(logs[0].topics[2]), hash }
  const [admin] = (await registrar.getPendingRequest(hash)) as [string, bigint]
  return admin === ZeroAddress ? { status: 'unknown', hash } : { status: 'pending', hash }
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
