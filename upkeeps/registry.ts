/**
 * The Automation 2.3 registry as an issuer uses it: the version check (2.1 and 1.x are sunset and refused),
 * an upkeep read back (`getUpkeep`, `getForwarder`, `getBalance`, `getMinBalance`, …), and the registry's own
 * calls to fund, pause, unpause, cancel and withdraw, each with the checks the registry would otherwise make
 * the hard way (a reverted transaction), and the ones it does not make at all (funding below the minimum).
 */
import { AbiCoder, Contract, ZeroAddress, type Provider, type Signer } from 'ethers'
import {
  Trigger,
  decodeLogTriggerConfig,
  linkTokenInterface,
  registryInterface,
  type LogTriggerConfig,
} from '#chain/automation'
import { UpkeepsError } from './errors'
import { showAmount, type TokenAmount } from './format'
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
}

export async function readUpkeep(registry: Contract, id: bigint): Promise<UpkeepInfo> {
  const provider = registry.runner!.provider!
  const address = await registry.getAddress()
  const forwarder = (await registry.getForwarder(id)) as string
  if (forwarder === ZeroAddress) {
    throw new UpkeepsError(
      `there is no upkeep ${id} on the registry ${address} (it may have been migrated)`,
      'usage',
    )
  }
  const upkeep = await registry.getUpkeep(id)
  const billingToken = (await registry.getBillingToken(id)) as string
  const trigger = BigInt(await registry.getTriggerType(id)) === Trigger.LOG ? 'log' : 'conditional'
  const wrappedNative = (await registry.getWrappedNativeTokenAddress()) as string
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
    minBalance: await amount(BigInt(await registry.getMinBalance(id))),
    amountSpent: await amount(BigInt(upkeep.amountSpent)),
    paused: upkeep.paused as boolean,
    cancelled,
    withdrawableFromBlock: cancelled ? maxValid : undefined,
    lastPerformedBlockNumber: BigInt(upkeep.lastPerformedBlockNumber),
    logTrigger:
      trigger === 'log' ? decodeLogTriggerConfig(await registry.getUpkeepTriggerConfig(id)) : undefined,
  }
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

export async function planCancel(registry: Contract, info: UpkeepInfo, from: string): Promise<Plan> {
  const owner = ((await registry.owner()) as string).toLowerCase()
  if (from.toLowerCase() !== owner) requireAdmin(info, from, 'cancel it')
  requireActive(info, 'cancelled again')
  const delay = BigInt(await registry.getCancellationDelay())
  const config = await registry.getBillingTokenConfig(info.billingToken)
  const minSpend = BigInt(config.minSpend)
  const unspent = minSpend > info.amountSpent.units ? minSpend - info.amountSpent.units : 0n
  const fee = unspent < info.balance.units ? unspent : info.balance.units
  const notes = [
    `once cancelled, the upkeep is no longer performed; its remaining balance can be withdrawn ${delay} blocks ` +
      `later (the registry's cancellation delay) with: npm run upkeeps -- withdraw --upkeep ${info.id}`,
  ]
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
