/**
 * The Automation 2.3 registry as an issuer uses it: the version check (2.1 and 1.x are sunset and refused),
 * an upkeep read back (`getUpkeep`, `getForwarder`, `getBalance`, `getMinBalance`, …), and the registry's own
 * calls to fund, pause, unpause, change (gas limit, checkData, trigger config, off-chain config), hand over
 * (the two-step admin transfer), cancel and withdraw, each with the checks the registry would otherwise make
 * the hard way (a reverted transaction), and the ones it does not make at all (funding below the minimum).
 */
import { AbiCoder, Contract, ZeroAddress, type BlockTag, type Provider, type Signer } from 'ethers'
import {
  Trigger,
  decodeLogTriggerConfig,
  linkTokenInterface,
  registryInterface,
  type LogTriggerConfig,
} from '#chain/automation'
import { UpkeepsError } from './errors'
import { showAmount, showGas, type TokenAmount } from './format'
import {
  decodeOffchainConfig,
  describeOffchainConfig,
  NO_OFFCHAIN_CONFIG,
  type OffchainConfig,
} from './offchain-config'
import { decodeRevert } from './tx'
import type { PlannedTx } from './tx'

/** When Chainlink stopped performing upkeeps of older Automation versions. */
export const AUTOMATION_SUNSETS = { '1.x': '2026-06-30', '2.1': '2026-07-31' } as const

/** Where to go instead of a sunset version. */
export const ALTERNATIVES =
  'Register on Automation 2.3 instead (the registrars in upkeeps/networks.json, or --registrar with another 2.3 ' +
  'registrar), or use the CRE path in this project: workflows/reserve-guard.'

/**
 * Accepts a contract whose `typeAndVersion` is Automation 2.3 (`expected`, e.g. `AutomationRegistrar 2.3`), and
 * refuses anything else, saying why: 2.1 and 1.x are sunset, other versions are not what these tools encode for.
 */
export function checkAutomationVersion(
  kind: string,
  address: string,
  typeAndVersion: string,
  expected: string,
): void {
  if (typeAndVersion.startsWith(`${expected}.`) || typeAndVersion === expected) return
  const version = /(\d+)\.(\d+)(?:\.\d+)?\s*$/.exec(typeAndVersion)
  const head = `Refused: the ${kind} at ${address} is "${typeAndVersion}".`
  if (version && version[1] === '2' && version[2] === '1') {
    throw new UpkeepsError(
      `${head} Chainlink Automation 2.1 was sunset on ${AUTOMATION_SUNSETS['2.1']} (1.x on ` +
        `${AUTOMATION_SUNSETS['1.x']}): an upkeep registered on 2.1 is no longer performed, so these tools do not ` +
        `offer it. ${ALTERNATIVES}`,
    )
  }
  if (version && version[1] === '1') {
    throw new UpkeepsError(
      `${head} Chainlink Automation 1.x was sunset on ${AUTOMATION_SUNSETS['1.x']}: its upkeeps are no longer ` +
        `performed. ${ALTERNATIVES}`,
    )
  }
  throw new UpkeepsError(`${head} These tools speak only Automation 2.3 (${expected}.x). ${ALTERNATIVES}`)
}

/** `typeAndVersion()` of a contract, or an error saying it has none. */
export async function typeAndVersionOf(provider: Provider, address: string, kind: string): Promise<string> {
  if ((await provider.getCode(address)) === '0x') {
    throw new UpkeepsError(`the ${kind} ${address} is not a contract on this chain`, 'usage')
  }
  const iface = registryInterface()
  try {
    const raw = await provider.call({ to: address, data: iface.encodeFunctionData('typeAndVersion') })
    return iface.decodeFunctionResult('typeAndVersion', raw)[0] as string
  } catch {
    throw new UpkeepsError(
      `${address} is not a Chainlink Automation ${kind}: it has no typeAndVersion()`,
      'usage',
    )
  }
}

/** The registry, checked to be Automation 2.3. */
export async function openRegistry(runner: Provider | Signer, address: string): Promise<Contract> {
  const provider = 'getCode' in runner ? (runner as Provider) : (runner as Signer).provider!
  const version = await typeAndVersionOf(provider, address, 'registry')
  checkAutomationVersion('registry', address, version, 'AutomationRegistry 2.3')
  return new Contract(address, registryInterface(), runner)
}

/** An ERC-20's amount with its symbol and decimals read from the token. */
export async function tokenAmount(provider: Provider, token: string, units: bigint): Promise<TokenAmount> {
  const erc20 = new Contract(token, linkTokenInterface(), provider)
  const [decimals, symbol] = await Promise.all([erc20.decimals(), erc20.symbol()])
  return { units, decimals: Number(decimals), symbol: symbol as string }
}

const UINT32_MAX = 2n ** 32n - 1n

export interface UpkeepInfo {
  id: bigint
  registry: string
  trigger: 'conditional' | 'log'
  target: string
  forwarder: string
  admin: string
  performGas: bigint
  checkData: string
  billingToken: string
  /** the registry's wrapped native token is this upkeep's billing token: it can be funded in native */
  billedInNative: boolean
  balance: TokenAmount
  minBalance: TokenAmount
  amountSpent: TokenAmount
  paused: boolean
  cancelled: boolean
  /** for a cancelled upkeep: the first block its funds can be withdrawn at */
  withdrawableFromBlock?: bigint
  lastPerformedBlockNumber: bigint
  /** for a log-trigger upkeep: what it listens to */
  logTrigger?: LogTriggerConfig
  /** the off-chain config as stored (hex), and what nodes read from it (the gas price threshold) */
  offchainConfig: string
  gasPriceThreshold: OffchainConfig
}

/**
 * An upkeep as the registry holds it, read at `blockTag` (default: the latest block), so that a status shows one
 * state of the registry.
 */
export async function readUpkeep(
  registry: Contract,
  id: bigint,
  blockTag: BlockTag = 'latest',
): Promise<UpkeepInfo> {
  const at = { blockTag }
  const provider = registry.runner!.provider!
  const address = await registry.getAddress()
  const forwarder = (await registry.getForwarder(id, at)) as string
  if (forwarder === ZeroAddress) {
    throw new UpkeepsError(
      `there is no upkeep ${id} on the registry ${address} (it may have been migrated)`,
      'usage',
    )
  }
  const upkeep = await registry.getUpkeep(id, at)
  const billingToken = (await registry.getBillingToken(id, at)) as string
  const trigger = BigInt(await registry.getTriggerType(id, at)) === Trigger.LOG ? 'log' : 'conditional'
  const wrappedNative = (await registry.getWrappedNativeTokenAddress(at)) as string
  const amount = (units: bigint) => tokenAmount(provider, billingToken, units)
  const maxValid = BigInt(upkeep.maxValidBlocknumber)
  const cancelled = maxValid !== UINT32_MAX
  return {
    id,
    registry: address,
    trigger,
    target: upkeep.target,
    forwarder,
    admin: upkeep.admin,
    performGas: BigInt(upkeep.performGas),
    checkData: upkeep.checkData,
    billingToken,
    billedInNative: billingToken.toLowerCase() === wrappedNative.toLowerCase(),
    balance: await amount(BigInt(upkeep.balance)),
    minBalance: await amount(BigInt(await registry.getMinBalance(id, at))),
    amountSpent: await amount(BigInt(upkeep.amountSpent)),
    paused: upkeep.paused as boolean,
    cancelled,
    withdrawableFromBlock: cancelled ? maxValid : undefined,
    lastPerformedBlockNumber: BigInt(upkeep.lastPerformedBlockNumber),
    logTrigger:
      trigger === 'log' ? decodeLogTriggerConfig(await registry.getUpkeepTriggerConfig(id, at)) : undefined,
    offchainConfig: upkeep.offchainConfig as string,
    gasPriceThreshold: decodeOffchainConfig(upkeep.offchainConfig as string),
  }
}

/** closed: cancelled, so neither checked nor performed again (only its funds remain to withdraw). */
export function upkeepState(info: UpkeepInfo): 'active' | 'paused' | 'closed' {
  return info.cancelled ? 'closed' : info.paused ? 'paused' : 'active'
}

/** Below its minimum balance, the registry does not perform the upkeep. */
export function isUnderfunded(info: UpkeepInfo): boolean {
  return info.balance.units < info.minBalance.units
}

/** A planned change: the transactions, and what the user should know before and after. */
export interface Plan {
  transactions: PlannedTx[]
  notes: string[]
  warnings: string[]
}

function requireAdmin(info: UpkeepInfo, from: string, action: string): void {
  if (info.admin.toLowerCase() !== from.toLowerCase()) {
    throw new UpkeepsError(
      `only upkeep ${info.id}'s admin ${info.admin} may ${action}; the key in use is ${from}`,
    )
  }
}

function requireActive(info: UpkeepInfo, action: string): void {
  if (info.cancelled) throw new UpkeepsError(`upkeep ${info.id} is cancelled: it cannot be ${action}`)
}

export async function planFund(
  registry: Contract,
  info: UpkeepInfo,
  amount: bigint,
  from: string,
  options: { wrapped?: boolean } = {},
): Promise<Plan> {
  requireActive(info, 'funded')
  const provider = registry.runner!.provider!
  const registryAddress = await registry.getAddress()
  const link = (await registry.getLinkAddress()) as string
  const token = new Contract(info.billingToken, linkTokenInterface(), provider)
  const shown = showAmount({ ...info.balance, units: amount })
  const plan: Plan = { transactions: [], notes: [], warnings: [] }
  const native = info.billedInNative && !options.wrapped
  const held = native ? await provider.getBalance(from) : ((await token.balanceOf(from)) as bigint)
  if (held < amount) {
    const what = native ? `${held} wei of native` : showAmount({ ...info.balance, units: held })
    throw new UpkeepsError(`${from} holds ${what}, less than the ${shown} to fund`)
  }
  if (info.billingToken.toLowerCase() === link.toLowerCase()) {
    plan.transactions.push({
      to: link,
      value: 0n,
      data: token.interface.encodeFunctionData('transferAndCall', [
        registryAddress,
        amount,
        AbiCoder.defaultAbiCoder().encode(['uint256'], [info.id]),
      ]),
      description: `fund upkeep ${info.id} with ${shown} (LINK transferAndCall to the registry)`,
      iface: token.interface,
    })
  } else if (native) {
    plan.transactions.push({
      to: registryAddress,
      value: amount,
      data: registry.interface.encodeFunctionData('addFunds', [info.id, amount]),
      description: `fund upkeep ${info.id} with ${shown} paid in native (the registry wraps it)`,
      iface: registry.interface,
    })
  } else {
    plan.transactions.push(
      {
        to: info.billingToken,
        value: 0n,
        data: token.interface.encodeFunctionData('approve', [registryAddress, amount]),
        description: `allow the registry to take ${shown}`,
        iface: token.interface,
      },
      {
        to: registryAddress,
        value: 0n,
        data: registry.interface.encodeFunctionData('addFunds', [info.id, amount]),
        description: `fund upkeep ${info.id} with ${shown}`,
        iface: registry.interface,
      },
    )
  }
  const after = info.balance.units + amount
  if (after < info.minBalance.units) {
    plan.warnings.push(
      `after this, upkeep ${info.id} holds ${showAmount({ ...info.balance, units: after })}, still below the ` +
        `registry's minimum of ${showAmount(info.minBalance)} (getMinBalance): the network will not perform it ` +
        `until it is topped up.`,
    )
  }
  return plan
}

export function planPause(registry: Contract, info: UpkeepInfo, from: string, pause: boolean): Plan {
  const action = pause ? 'pause it' : 'unpause it'
  requireAdmin(info, from, action)
  requireActive(info, pause ? 'paused' : 'unpaused')
  if (pause && info.paused) throw new UpkeepsError(`upkeep ${info.id} is already paused`)
  if (!pause && !info.paused) throw new UpkeepsError(`upkeep ${info.id} is not paused`)
  return {
    transactions: [
      {
        to: info.registry,
        value: 0n,
        data: registry.interface.encodeFunctionData(pause ? 'pauseUpkeep' : 'unpauseUpkeep', [info.id]),
        description: pause
          ? `pause upkeep ${info.id}: it is neither checked nor performed until unpaused`
          : `unpause upkeep ${info.id}`,
        iface: registry.interface,
      },
    ],
    notes: [],
    warnings: pause
      ? [
          'while the upkeep is paused, a shortfall is not acted on by this upkeep: the guard relies on its other upkeeps and guardians',
        ]
      : [],
  }
}

/** A cancellation: the plan, and when the funds become withdrawable. */
export interface CancelPlan extends Plan {
  /** the sender owns the registry: the registry skips the cancellation delay for its owner */
  byOwner: boolean
  /** the registry's cancellation delay, in blocks (for anyone but its owner) */
  delay: bigint
}

export async function planCancel(registry: Contract, info: UpkeepInfo, from: string): Promise<CancelPlan> {
  const byOwner = from.toLowerCase() === ((await registry.owner()) as string).toLowerCase()
  if (!byOwner) requireAdmin(info, from, 'cancel it')
  requireActive(info, 'cancelled again')
  const delay = BigInt(await registry.getCancellationDelay())
  const config = await registry.getBillingTokenConfig(info.billingToken)
  const minSpend = BigInt(config.minSpend)
  const unspent = minSpend > info.amountSpent.units ? minSpend - info.amountSpent.units : 0n
  const fee = unspent < info.balance.units ? unspent : info.balance.units
  const notes = ['once cancelled, the upkeep is neither checked nor performed, and it cannot be restored']
  if (fee > 0n) {
    notes.push(
      `the registry keeps a cancellation fee of ${showAmount({ ...info.balance, units: fee })}: the upkeep spent ` +
        `${showAmount(info.amountSpent)}, less than the minimum spend of ${showAmount({ ...info.balance, units: minSpend })}`,
    )
  }
  return {
    transactions: [
      {
        to: info.registry,
        value: 0n,
        data: registry.interface.encodeFunctionData('cancelUpkeep', [info.id]),
        description: `cancel upkeep ${info.id}`,
        iface: registry.interface,
      },
    ],
    notes,
    warnings: [`a cancelled upkeep cannot be restored: to watch the guard again, register a new upkeep`],
    byOwner,
    delay,
  }
}

/** The changes `update-upkeep` makes, each through its own registry call; absent ones are left alone. */
export interface UpkeepChanges {
  gasLimit?: number
  checkData?: string
  /** a log-trigger upkeep's new `LogTriggerConfig`, encoded, and what it listens to in words */
  triggerConfig?: { encoded: string; description: string }
  /** the new off-chain config (CBOR), `0x` for none */
  offchainConfig?: string
}

export async function planUpdate(
  registry: Contract,
  info: UpkeepInfo,
  from: string,
  changes: UpkeepChanges,
): Promise<Plan> {
  requireAdmin(info, from, 'change it')
  requireActive(info, 'changed')
  const plan: Plan = { transactions: [], notes: [], warnings: [] }
  const call = (fn: string, args: unknown[], description: string) =>
    plan.transactions.push({
      to: info.registry,
      value: 0n,
      data: registry.interface.encodeFunctionData(fn, args),
      description,
      iface: registry.interface,
    })
  const config = await registry.getConfig()
  if (changes.gasLimit !== undefined) {
    const gasLimit = BigInt(changes.gasLimit)
    if (gasLimit < 2_300n || gasLimit > BigInt(config.maxPerformGas)) {
      throw new UpkeepsError(
        `--gas-limit must be between 2300 and the registry's ${config.maxPerformGas}`,
        'usage',
      )
    }
    if (gasLimit === info.performGas) {
      plan.notes.push(`the gas limit is already ${showGas(gasLimit)}: not sent`)
    } else {
      call(
        'setUpkeepGasLimit',
        [info.id, gasLimit],
        `set upkeep ${info.id}'s gas limit from ${showGas(info.performGas)} to ${showGas(gasLimit)}`,
      )
      const needed = BigInt(
        await registry.getMaxPaymentForGas(
          info.id,
          info.trigger === 'log' ? 1 : 0,
          gasLimit,
          info.billingToken,
        ),
      )
      if (info.balance.units < needed) {
        plan.warnings.push(
          `with a gas limit of ${showGas(gasLimit)}, the registry requires a balance of ` +
            `${showAmount({ ...info.balance, units: needed })}, and upkeep ${info.id} holds ` +
            `${showAmount(info.balance)}: it is not performed until funded (npm run upkeeps -- fund)`,
        )
      }
    }
  }
  if (changes.checkData !== undefined) {
    if ((changes.checkData.length - 2) / 2 > Number(config.maxCheckDataSize)) {
      throw new UpkeepsError(
        `--check-data is longer than the registry's ${config.maxCheckDataSize} bytes`,
        'usage',
      )
    }
    if (changes.checkData.toLowerCase() === info.checkData.toLowerCase()) {
      plan.notes.push(`the checkData is already ${info.checkData}: not sent`)
    } else {
      call(
        'setUpkeepCheckData',
        [info.id, changes.checkData],
        `set upkeep ${info.id}'s checkData to ${changes.checkData}`,
      )
    }
  }
  if (changes.triggerConfig !== undefined) {
    if (info.trigger !== 'log') {
      throw new UpkeepsError(
        `upkeep ${info.id} is conditional: it is checked every block and has no trigger to change (--feed is for log-trigger upkeeps)`,
        'usage',
      )
    }
    const current = await registry.getUpkeepTriggerConfig(info.id)
    if ((current as string).toLowerCase() === changes.triggerConfig.encoded.toLowerCase()) {
      plan.notes.push(`upkeep ${info.id} already ${changes.triggerConfig.description}: not sent`)
    } else {
      call(
        'setUpkeepTriggerConfig',
        [info.id, changes.triggerConfig.encoded],
        `set upkeep ${info.id}'s log trigger: it ${changes.triggerConfig.description}`,
      )
    }
  }
  if (changes.offchainConfig !== undefined) {
    const wanted = decodeOffchainConfig(changes.offchainConfig)
    if (changes.offchainConfig.toLowerCase() === info.offchainConfig.toLowerCase()) {
      plan.notes.push(`upkeep ${info.id} has ${describeOffchainConfig(wanted)} already: not sent`)
    } else {
      call(
        'setUpkeepOffchainConfig',
        [info.id, changes.offchainConfig],
        changes.offchainConfig === NO_OFFCHAIN_CONFIG
          ? `remove upkeep ${info.id}'s gas price threshold (off-chain config 0x)`
          : `set upkeep ${info.id}'s off-chain config: ${describeOffchainConfig(wanted)}`,
      )
      if (wanted.kind === 'maxGasPrice') {
        plan.notes.push(
          "Chainlink's nodes take a few minutes to pick up a new threshold; above it, a conditional upkeep waits " +
            'and a log-trigger upkeep skips the log for good (docs.chain.link, "Set a gas price threshold")',
        )
        plan.warnings.push(
          'while the gas price is above the threshold, the guard is not paused by this upkeep, however short the ' +
            'reserves: keep another upkeep or a guardian for that case',
        )
      }
    }
  }
  if (plan.transactions.length === 0 && plan.notes.length === 0) {
    throw new UpkeepsError(
      'nothing to change: pass --gas-limit, --check-data, --feed (log trigger) or --max-gas-price',
      'usage',
    )
  }
  return plan
}

/** Step one of the admin transfer: the current admin proposes the next; nothing changes until accepted. */
export function planTransferAdmin(registry: Contract, info: UpkeepInfo, from: string, to: string): Plan {
  requireAdmin(info, from, 'hand it over')
  requireActive(info, 'handed over')
  if (to.toLowerCase() === from.toLowerCase())
    throw new UpkeepsError(`${to} is already upkeep ${info.id}'s admin`, 'usage')
  return {
    transactions: [
      {
        to: info.registry,
        value: 0n,
        data: registry.interface.encodeFunctionData('transferUpkeepAdmin', [info.id, to]),
        description: `propose ${to} as upkeep ${info.id}'s admin`,
        iface: registry.interface,
      },
    ],
    notes: [
      `${from} stays the admin until ${to} accepts: npm run upkeeps -- accept-admin --upkeep ${info.id}, with ${to}'s key`,
      "the admin funds, pauses, changes, cancels and withdraws the upkeep; the guard's roles do not change (its forwarder keeps FORWARDER_ROLE)",
    ],
    warnings: [],
  }
}

/** Step two: the proposed admin accepts (checked by simulating the call from the sender). */
export async function planAcceptAdmin(registry: Contract, info: UpkeepInfo, from: string): Promise<Plan> {
  requireActive(info, 'handed over')
  const data = registry.interface.encodeFunctionData('acceptUpkeepAdmin', [info.id])
  try {
    await registry.runner!.provider!.call({ from, to: info.registry, data })
  } catch (error) {
    const reason = decodeRevert((error as { data?: string }).data)
    if (reason === 'OnlyCallableByProposedAdmin()') {
      throw new UpkeepsError(
        `${from} is not the proposed admin of upkeep ${info.id}: its admin ${info.admin} proposes one first ` +
          `(npm run upkeeps -- transfer-admin --upkeep ${info.id} --to ${from})`,
      )
    }
    throw new UpkeepsError(`the registry would refuse the transfer: ${reason ?? 'the call reverted'}`)
  }
  return {
    transactions: [
      {
        to: info.registry,
        value: 0n,
        data,
        description: `accept upkeep ${info.id}'s admin role (from ${info.admin})`,
        iface: registry.interface,
      },
    ],
    notes: [],
    warnings: [],
  }
}

export async function planWithdraw(
  registry: Contract,
  info: UpkeepInfo,
  from: string,
  to: string,
): Promise<Plan> {
  requireAdmin(info, from, 'withdraw its funds')
  if (!info.cancelled) {
    throw new UpkeepsError(
      `upkeep ${info.id} is not cancelled: funds can be withdrawn only after cancelling it ` +
        `(npm run upkeeps -- cancel --upkeep ${info.id}) and waiting out the cancellation delay`,
    )
  }
  const now = BigInt(await registry.runner!.provider!.getBlockNumber())
  // The registry allows the withdrawal once maxValidBlocknumber <= the block it runs in (the next one).
  if (info.withdrawableFromBlock! > now + 1n) {
    throw new UpkeepsError(
      `upkeep ${info.id} was cancelled, but its funds can be withdrawn only from block ${info.withdrawableFromBlock} ` +
        `(the registry's cancellation delay); the chain is at block ${now}: ` +
        `${info.withdrawableFromBlock! - now - 1n} more block(s) to wait`,
    )
  }
  if (info.balance.units === 0n) throw new UpkeepsError(`upkeep ${info.id} has nothing left to withdraw`)
  return {
    transactions: [
      {
        to: info.registry,
        value: 0n,
        data: registry.interface.encodeFunctionData('withdrawFunds', [info.id, to]),
        description: `withdraw upkeep ${info.id}'s ${showAmount(info.balance)} to ${to}`,
        iface: registry.interface,
      },
    ],
    notes: [],
    warnings: [],
  }
}
