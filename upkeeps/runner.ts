/**
 * A local stand-in for the Automation DON, for rehearsals; it does not replace the Automation network.
 *
 * Each new block it checks every upkeep it watches the way the network does: through the registry's own
 * `checkUpkeep(id, triggerData)`, simulated from the registry's read-only address (its `cannotExecute` rule),
 * which also reports the gas used and why an upkeep cannot be performed (underfunded, perform data over the
 * limit, paused…). Log-trigger upkeeps follow their own `LogTriggerConfig` and are checked once per matching
 * log, with the `Log` built as a node builds it.
 *
 * It performs in one of three modes, and says which:
 * - `transmit`: where it holds the DON's keys (a local registry from devkit/automation), it signs a report and
 *   calls `transmit`; the registry performs through each upkeep's forwarder, charges the upkeep and enforces
 *   its gas limit, exactly as on the network.
 * - `impersonate`: on a fork of a chain whose registry it does not control, it sends `performUpkeep` from the
 *   upkeep's forwarder, impersonated (`hardhat_` or `anvil_impersonateAccount`). No report, no charge.
 * - `forwarder-key`: it sends `performUpkeep` from a key the issuer granted `FORWARDER_ROLE`. No report, no
 *   charge.
 *
 * A cancelled upkeep is closed: the network no longer checks it, so neither does the runner (it is left out
 * at start, and dropped when a check finds it cancelled, with a `closed` event).
 *
 * A library first (start/stop, events for each check and perform, never exits the process); the CLI's `run`
 * command prints what it reports.
 */
import { EventEmitter } from 'node:events'
import {
  AbiCoder,
  Contract,
  NonceManager,
  Wallet,
  keccak256,
  solidityPacked,
  toQuantity,
  type Block,
  type JsonRpcProvider,
  type Log,
  type Signer,
  type TransactionReceipt,
} from 'ethers'
import {
  UpkeepFailureReason,
  encodeConditionalTrigger,
  encodeLog,
  encodeLogTrigger,
  enumName,
  type AutomationLog,
} from '#chain/automation'
import type { DonKeys } from '#devkit/automation'
import { UpkeepsError } from './errors'
import { shortHex, showAmount, showGas, type TokenAmount } from './format'
import { guardContract, guardEvents, hasForwarderRole, type GuardEvent } from './guard'
import { donAddresses, signedTransmit } from './ocr'
import { openRegistry, readUpkeep, tokenAmount, type UpkeepInfo } from './registry'
import { decodeRevert, guardInterface } from './tx'

export type RunnerMode =
  | { kind: 'transmit'; don: DonKeys; transmitterIndex?: number }
  | { kind: 'impersonate' }
  | { kind: 'forwarder-key'; signer: Signer }

export interface RunnerOptions {
  provider: JsonRpcProvider
  registry: string
  upkeepIds: bigint[]
  mode: RunnerMode
  /** the first block whose logs log-trigger upkeeps read (default: the block after the runner is created) */
  fromBlock?: number
  /** how often `start()` polls for a new block (default 1,000 ms) */
  pollIntervalMs?: number
}

export interface CheckOutcome {
  upkeepId: bigint
  trigger: 'conditional' | 'log'
  /** the block the check ran at */
  block: number
  /** for a log trigger: the log checked */
  log?: { txHash: string; index: number; blockNumber: number }
  upkeepNeeded: boolean
  /** the registry's UpkeepFailureReason, by name (`NONE` when needed) */
  failureReason: string
  gasUsed: bigint
  performData: string
  /** why the network would not perform it, in plain words (with what to do) */
  problem?: string
}

export interface PerformOutcome {
  upkeepId: bigint
  mode: RunnerMode['kind']
  txHash: string
  block: number
  success: boolean
  /** gas the guard's performUpkeep used (the registry's figure when transmitted) */
  gasUsed: bigint
  /** what the registry charged the upkeep (transmit mode) */
  charged?: TokenAmount
  /** the upkeep's balance afterwards */
  balance: TokenAmount
  guardEvents: GuardEvent[]
  /** registry events other than a perform (a stale or reorged report) */
  registryEvents: string[]
  problem?: string
}

export interface TickOutcome {
  block: number
  checks: CheckOutcome[]
  performs: PerformOutcome[]
}

interface Watched {
  info: UpkeepInfo
  guard: Contract
  /** for log upkeeps: the last block whose logs were read */
  logsReadTo: number
  status: {
    lastCheckBlock?: number
    result?: string
    gasUsed?: bigint
    balance: TokenAmount
    lastPerform?: { txHash: string; block: number; success: boolean }
    problem?: string
  }
}

interface Pending {
  watched: Watched
  check: CheckOutcome
  trigger: string
  fastGasWei: bigint
  linkUSD: bigint
}

const coder = AbiCoder.defaultAbiCoder()
const REGISTRY_EVENTS_NOT_PERFORMED = [
  'StaleUpkeepReport',
  'ReorgedUpkeepReport',
  'CancelledUpkeepReport',
  'InsufficientFundsUpkeepReport',
]

export class UpkeepRunner extends EventEmitter {
  private readonly watched: Watched[]
  private readonly registry: Contract
  private readonly readOnlyAddress: string
  private readonly checkGas: bigint
  private readonly impersonation?: 'hardhat' | 'anvil'
  private readonly transmitter?: Signer
  private epoch = 1
  private lastBlock?: number
  private loop?: Promise<void>
  private stopping = false

  /** What the runner does to perform, in plain words. */
  readonly modeDescription: string
  /** Upkeeps asked for but not checked: cancelled before the start, or since (in the order found). */
  readonly closed: bigint[]

  private constructor(
    private readonly options: RunnerOptions,
    setup: {
      watched: Watched[]
      registry: Contract
      readOnlyAddress: string
      checkGas: bigint
      impersonation?: 'hardhat' | 'anvil'
      transmitter?: Signer
      modeDescription: string
      closed: bigint[]
    },
  ) {
    super()
    this.watched = setup.watched
    this.closed = setup.closed
    this.registry = setup.registry
    this.readOnlyAddress = setup.readOnlyAddress
    this.checkGas = setup.checkGas
    this.impersonation = setup.impersonation
    this.transmitter = setup.transmitter
    this.modeDescription = setup.modeDescription
  }

  /** Reads the upkeeps and checks that the mode can perform them (DON keys, impersonation, role). */
  static async create(options: RunnerOptions): Promise<UpkeepRunner> {
    const { provider, mode } = options
    if (options.upkeepIds.length === 0)
      throw new UpkeepsError('no upkeeps to run: pass at least one upkeep id', 'usage')
    const registry = await openRegistry(provider, options.registry)
    const startBlock = await provider.getBlockNumber()
    const fromBlock = options.fromBlock ?? startBlock + 1
    const watched: Watched[] = []
    const closed: bigint[] = []
    for (const id of options.upkeepIds) {
      const info = await readUpkeep(registry, id)
      if (info.cancelled) {
        closed.push(id)
        continue
      }
      watched.push({
        info,
        guard: guardContract(info.target, provider),
        logsReadTo: fromBlock - 1,
        status: { balance: info.balance },
      })
    }
    if (watched.length === 0) {
      throw new UpkeepsError(
        `every upkeep to run is cancelled (${closed.join(', ')}): a cancelled upkeep is closed, neither checked ` +
          `nor performed. Register a new one to watch the guard again.`,
      )
    }
    const config = await registry.getConfig()
    const latest = (await provider.getBlock('latest'))!
    const wanted = BigInt(config.checkGasLimit) + 2_000_000n
    const checkGas = wanted < latest.gasLimit ? wanted : latest.gasLimit
    const readOnlyAddress = (await registry.getAllowedReadOnlyAddress()) as string

    let impersonation: 'hardhat' | 'anvil' | undefined
    let transmitter: Signer | undefined
    let modeDescription: string
    if (mode.kind === 'transmit') {
      const { signers, transmitters } = donAddresses(mode.don)
      for (const signer of signers.slice(0, mode.don.f + 1)) {
        const [active] = (await registry.getSignerInfo(signer)) as [boolean]
        if (!active)
          throw new UpkeepsError(`the DON keys are not this registry's: signer ${signer} is not active on it`)
      }
      const index = mode.transmitterIndex ?? 0
      const [active] = (await registry.getTransmitterInfo(transmitters[index])) as [boolean]
      if (!active) throw new UpkeepsError(`transmitter ${transmitters[index]} is not active on the registry`)
      transmitter = new NonceManager(new Wallet(mode.don.transmitters[index], provider))
      modeDescription =
        `transmit: this runner holds the registry's DON keys (f = ${mode.don.f}); it signs each report with ` +
        `${mode.don.f + 1} of its ${signers.length} signers and calls transmit from ${transmitters[index]}. The ` +
        `registry performs through each upkeep's forwarder, charges its balance and enforces its gas limit, as ` +
        `on the network.`
    } else if (mode.kind === 'impersonate') {
      impersonation = await detectImpersonation(provider, watched[0].info.forwarder)
      modeDescription =
        `rehearsal, impersonating forwarders: checks go through the registry as on the network, but each perform ` +
        `is sent from the upkeep's forwarder impersonated with ${impersonation}_impersonateAccount. The registry ` +
        `is not involved in performs: no report, no charge, no gas limit enforced by it.`
    } else {
      const address = await mode.signer.getAddress()
      for (const w of watched) {
        if (!(await hasForwarderRole(w.guard, address))) {
          throw new UpkeepsError(
            `${address} does not hold FORWARDER_ROLE on the guard ${w.info.target}: it cannot perform upkeep ` +
              `${w.info.id}. Grant it (guard admin: grantRole(FORWARDER_ROLE, ${address})) or use --mode impersonate on a fork.`,
          )
        }
      }
      modeDescription =
        `rehearsal, from a forwarder key: checks go through the registry as on the network; performs are sent ` +
        `from ${address}, which holds FORWARDER_ROLE on the guard. The registry is not involved in performs: no ` +
        `report, no charge.`
    }
    return new UpkeepRunner(options, {
      watched,
      registry,
      readOnlyAddress,
      checkGas,
      impersonation,
      transmitter,
      modeDescription,
      closed,
    })
  }

  get mode(): RunnerMode['kind'] {
    return this.options.mode.kind
  }

  /** The upkeeps being checked (those asked for, less the closed ones). */
  get upkeepIds(): bigint[] {
    return this.watched.map((w) => w.info.id)
  }

  /** Checks every upkeep at the latest block and performs those the registry says are needed. */
  async tick(): Promise<TickOutcome> {
    const provider = this.options.provider
    const block = (await provider.getBlock('latest'))!
    const checks: CheckOutcome[] = []
    const pending: Pending[] = []
    for (const w of [...this.watched]) {
      if (w.info.trigger === 'conditional') {
        const result = await this.check(w, block, '0x')
        checks.push(result.check)
        if (result.check.failureReason === 'UPKEEP_CANCELLED') this.close(w)
        if (result.check.upkeepNeeded)
          pending.push({ watched: w, ...result, trigger: this.conditionalTrigger(block) })
      } else {
        for (const log of await this.newLogs(w, block.number)) {
          const automationLog = await this.automationLog(log)
          if (await this.alreadyPerformed(w, log)) continue
          const result = await this.check(w, block, encodeLog(automationLog), log)
          checks.push(result.check)
          if (result.check.failureReason === 'UPKEEP_CANCELLED') {
            this.close(w)
            break
          }
          if (result.check.upkeepNeeded) {
            const trigger = encodeLogTrigger({
              logBlockHash: log.blockHash,
              txHash: log.transactionHash,
              logIndex: log.index,
              blockNum: block.number,
              blockHash: block.hash!,
            })
            pending.push({ watched: w, ...result, trigger })
          }
        }
        w.logsReadTo = block.number
      }
    }
    const performs = pending.length === 0 ? [] : await this.perform(pending)
    this.lastBlock = block.number
    const outcome = { block: block.number, checks, performs }
    this.emit('ticked', outcome)
    return outcome
  }

  /** Stops checking an upkeep found cancelled since the start. */
  private close(w: Watched): void {
    this.watched.splice(this.watched.indexOf(w), 1)
    this.closed.push(w.info.id)
    this.emit('closed', w.info.id)
  }

  /** Polls for new blocks and ticks on each, until `stop()`. Errors are reported as 'tickError' events. */
  start(): void {
    if (this.loop) return
    this.stopping = false
    this.loop = (async () => {
      while (!this.stopping) {
        try {
          const latest = await this.options.provider.getBlockNumber()
          if (latest !== this.lastBlock) await this.tick()
        } catch (error) {
          this.emit('tickError', error)
        }
        await new Promise((resolve) => setTimeout(resolve, this.options.pollIntervalMs ?? 1_000))
      }
    })()
  }

  async stop(): Promise<void> {
    this.stopping = true
    await this.loop
    this.loop = undefined
  }

  /** One line per upkeep: last check, result, gas, balance, last perform. */
  statusLines(): string[] {
    return this.watched.map(({ info, status }) => {
      const parts = [`upkeep ${shortHex(info.id.toString())} (${info.trigger})`]
      if (status.lastCheckBlock === undefined) parts.push('not checked yet')
      else
        parts.push(
          `block ${status.lastCheckBlock}: ${status.result}, check gas ${showGas(status.gasUsed ?? 0n)}`,
        )
      parts.push(`balance ${showAmount(status.balance)}`)
      if (status.lastPerform) {
        const { txHash, block, success } = status.lastPerform
        parts.push(`last perform ${success ? 'succeeded' : 'FAILED'} at block ${block} (${shortHex(txHash)})`)
      }
      if (status.problem) parts.push(`problem: ${status.problem}`)
      return parts.join(' · ')
    })
  }

  // ---------------------------------------------------------------- checks

  private conditionalTrigger(block: Block): string {
    return encodeConditionalTrigger({ blockNum: block.number, blockHash: block.hash! })
  }

  private async check(
    w: Watched,
    block: Block,
    triggerData: string,
    log?: Log,
  ): Promise<{ check: CheckOutcome; fastGasWei: bigint; linkUSD: bigint }> {
    const fragment = 'checkUpkeep(uint256,bytes)'
    const raw = await this.options.provider.call({
      to: w.info.registry,
      from: this.readOnlyAddress,
      data: this.registry.interface.encodeFunctionData(fragment, [w.info.id, triggerData]),
      blockTag: block.number,
      gasLimit: this.checkGas,
    })
    const [upkeepNeeded, performData, reason, gasUsed, , fastGasWei, linkUSD] =
      this.registry.interface.decodeFunctionResult(fragment, raw)
    const failureReason = String(
      enumName(UpkeepFailureReason, reason as bigint) ?? `UpkeepFailureReason(${reason})`,
    )
    const check: CheckOutcome = {
      upkeepId: w.info.id,
      trigger: w.info.trigger,
      block: block.number,
      log: log ? { txHash: log.transactionHash, index: log.index, blockNumber: log.blockNumber } : undefined,
      upkeepNeeded: upkeepNeeded as boolean,
      failureReason,
      gasUsed: gasUsed as bigint,
      performData: performData as string,
    }
    w.status.balance = await tokenAmount(
      this.options.provider,
      w.info.billingToken,
      BigInt(await this.registry.getBalance(w.info.id)),
    )
    check.problem = await this.explain(w, check, block, triggerData)
    if (check.upkeepNeeded && !(await hasForwarderRole(w.guard, w.info.forwarder))) {
      check.problem = this.forwarderProblem(w)
    }
    w.status.lastCheckBlock = block.number
    w.status.result = check.upkeepNeeded
      ? 'upkeep needed'
      : failureReason === 'UPKEEP_NOT_NEEDED'
        ? 'not needed'
        : failureReason
    w.status.gasUsed = check.gasUsed
    if (check.problem !== w.status.problem && check.problem)
      this.emit('problem', { upkeepId: w.info.id, message: check.problem })
    w.status.problem = check.problem
    this.emit('check', check)
    return { check, fastGasWei: fastGasWei as bigint, linkUSD: linkUSD as bigint }
  }

  private forwarderProblem(w: Watched): string {
    return (
      `the forwarder ${w.info.forwarder} of upkeep ${w.info.id} does not hold FORWARDER_ROLE on the guard ` +
      `${w.info.target}: the guard rejects its performUpkeep, and the network still charges the upkeep for the ` +
      `attempt. Grant it: npm run upkeeps -- grant-forwarder --guard ${w.info.target} --upkeep ${w.info.id}`
    )
  }

  /** Why the registry said no, in words the issuer can act on (undefined when there is nothing to do). */
  private async explain(
    w: Watched,
    check: CheckOutcome,
    block: Block,
    triggerData: string,
  ): Promise<string | undefined> {
    const id = w.info.id
    switch (check.failureReason) {
      case 'NONE':
      case 'UPKEEP_NOT_NEEDED':
        return undefined
      case 'INSUFFICIENT_BALANCE': {
        const min = await tokenAmount(
          this.options.provider,
          w.info.billingToken,
          BigInt(await this.registry.getMinBalance(id)),
        )
        return (
          `upkeep ${id} is underfunded: its balance ${showAmount(w.status.balance)} is below the registry's minimum ` +
          `of ${showAmount(min)} for its gas limit (getMinBalance), so the network does not perform it. Fund it: ` +
          `npm run upkeeps -- fund --upkeep ${id} --amount <amount>`
        )
      }
      case 'PERFORM_DATA_EXCEEDS_LIMIT': {
        const limit = Number((await this.registry.getConfig()).maxPerformDataSize)
        const performData = await this.targetPerformData(w, block, triggerData)
        let entries: number | undefined
        try {
          entries = performData ? (coder.decode(['uint256[]'], performData)[0] as bigint[]).length : undefined
        } catch {
          entries = undefined // not the guard's usual list: report the size alone
        }
        const size = performData ? `${(performData.length - 2) / 2} bytes` : 'more bytes'
        const listed = entries === undefined ? '' : ` (${entries} short assets listed)`
        return (
          `the guard's performData is ${size}${listed}, over the registry's maxPerformDataSize of ${limit} bytes: ` +
          `the registry refuses it, and the network will never perform upkeep ${id} while that many assets are ` +
          `short and unpaused. Each listed asset takes 32 bytes: split the assets over more guards, or bound ` +
          `the assets one check returns through the upkeep's checkData where the guard supports it.`
        )
      }
      case 'TARGET_CHECK_REVERTED':
        return `the guard's check reverted: ${decodeRevert(check.performData) ?? check.performData}`
      case 'UPKEEP_PAUSED':
        return `upkeep ${id} is paused: it is neither checked nor performed. Unpause it: npm run upkeeps -- unpause-upkeep --upkeep ${id}`
      case 'UPKEEP_CANCELLED':
        return `upkeep ${id} is cancelled: register a new upkeep to watch the guard again`
      case 'REGISTRY_PAUSED':
        return `the registry is paused by its owner: no upkeep on it is performed`
      default:
        return `the registry will not perform upkeep ${id}: ${check.failureReason}`
    }
  }

  /** The performData the guard itself returns (called directly, to measure what the registry refused). */
  private async targetPerformData(
    w: Watched,
    block: Block,
    triggerData: string,
  ): Promise<string | undefined> {
    const iface = guardInterface()
    const isLog = w.info.trigger === 'log'
    const data = isLog
      ? iface.encodeFunctionData('checkLog', [
          coder.decode([iface.getFunction('checkLog')!.inputs[0]], triggerData)[0],
          w.info.checkData,
        ])
      : iface.encodeFunctionData('checkUpkeep', [w.info.checkData])
    try {
      const raw = await this.options.provider.call({ to: w.info.target, data, blockTag: block.number })
      return iface.decodeFunctionResult(isLog ? 'checkLog' : 'checkUpkeep', raw)[1] as string
    } catch {
      return undefined
    }
  }

  private async newLogs(w: Watched, toBlock: number): Promise<Log[]> {
    const config = w.info.logTrigger!
    if (toBlock <= w.logsReadTo) return []
    const logs = await this.options.provider.getLogs({
      address: config.contractAddress,
      topics: [config.topic0],
      fromBlock: w.logsReadTo + 1,
      toBlock,
    })
    // The node's filter: topic0 always; topics 1–3 where the filter selector's bits 0–2 ask for them.
    const wanted = [config.topic1, config.topic2, config.topic3]
    return logs.filter((log) =>
      wanted.every((topic, i) => (config.filterSelector & (1 << i)) === 0 || log.topics[i + 1] === topic),
    )
  }

  private async automationLog(log: Log): Promise<AutomationLog> {
    const block = (await this.options.provider.getBlock(log.blockNumber))!
    return {
      index: log.index,
      timestamp: block.timestamp,
      txHash: log.transactionHash,
      blockNumber: log.blockNumber,
      blockHash: log.blockHash,
      source: log.address,
      topics: log.topics,
      data: log.data,
    }
  }

  /** Whether the registry already performed this log (its dedup key is set). */
  private async alreadyPerformed(w: Watched, log: Log): Promise<boolean> {
    const key = keccak256(
      solidityPacked(
        ['uint256', 'bytes32', 'bytes32', 'uint32'],
        [w.info.id, log.blockHash, log.transactionHash, log.index],
      ),
    )
    return (await this.registry.hasDedupKey(key)) as boolean
  }

  // ---------------------------------------------------------------- performs

  private async perform(pending: Pending[]): Promise<PerformOutcome[]> {
    return this.options.mode.kind === 'transmit' ? this.transmit(pending) : this.rehearse(pending)
  }

  /**
   * One signed report per upkeep, each in its own transmit (a DON may batch several; one each keeps every
   * guard event attributable to the upkeep that caused it).
   */
  private async transmit(pending: Pending[]): Promise<PerformOutcome[]> {
    const outcomes: PerformOutcome[] = []
    for (const p of pending) outcomes.push(await this.transmitOne(p))
    return outcomes
  }

  private async transmitOne(p: Pending): Promise<PerformOutcome> {
    const mode = this.options.mode as Extract<RunnerMode, { kind: 'transmit' }>
    const provider = this.options.provider
    const w = p.watched
    const registryAddress = this.registry.target as string
    const report = {
      fastGasWei: p.fastGasWei,
      linkUSD: p.linkUSD,
      upkeepIds: [w.info.id],
      gasLimits: [w.info.performGas],
      triggers: [p.trigger],
      performDatas: [p.check.performData],
    }
    const data = await signedTransmit(provider, registryAddress, mode.don, report, this.epoch++)
    // The forwarder gives the target exactly its gas limit, and reverts unless 63/64 of what it has left covers it.
    const gasLimit = (w.info.performGas * 66n) / 64n + 550_000n
    const from = await this.transmitter!.getAddress()
    try {
      await provider.call({ from, to: registryAddress, data, gasLimit })
    } catch (error) {
      const reason =
        decodeRevert((error as { data?: string }).data) ?? (error as Error).message.split('\n')[0]
      throw new UpkeepsError(`the registry refused the transmit for upkeep ${w.info.id}: ${reason}`, 'failed')
    }
    const receipt = await this.send(this.transmitter!, { to: registryAddress, data, gasLimit })
    let performed: { success: boolean; payment: bigint; gasUsed: bigint } | undefined
    const other: string[] = []
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== registryAddress.toLowerCase()) continue
      const parsed = this.registry.interface.parseLog(log)
      if (!parsed || BigInt(log.topics[1] ?? 0) !== w.info.id) continue
      if (parsed.name === 'UpkeepPerformed') {
        performed = {
          success: parsed.args.success,
          payment: parsed.args.totalPayment,
          gasUsed: parsed.args.gasUsed,
        }
      } else if (REGISTRY_EVENTS_NOT_PERFORMED.includes(parsed.name)) {
        other.push(parsed.name)
      }
    }
    const balance = await tokenAmount(
      provider,
      w.info.billingToken,
      BigInt(await this.registry.getBalance(w.info.id)),
    )
    const outcome: PerformOutcome = {
      upkeepId: w.info.id,
      mode: 'transmit',
      txHash: receipt.hash,
      block: receipt.blockNumber,
      success: performed?.success ?? false,
      gasUsed: performed?.gasUsed ?? 0n,
      charged: performed ? { ...balance, units: performed.payment } : undefined,
      balance,
      guardEvents: guardEvents(receipt.logs, w.info.target),
      registryEvents: other,
      problem: undefined,
    }
    if (!performed) {
      outcome.problem = `the registry did not perform upkeep ${w.info.id}: ${other.join(', ') || 'no UpkeepPerformed event'}`
    } else if (!performed.success) {
      outcome.problem = (await hasForwarderRole(w.guard, w.info.forwarder))
        ? `the guard's performUpkeep reverted or ran out of upkeep ${w.info.id}'s ${w.info.performGas} gas; ` +
          `the registry charged ${showAmount(outcome.charged!)} anyway`
        : `${this.forwarderProblem(w)} (charged ${showAmount(outcome.charged!)} for this attempt)`
    }
    return this.recordPerform(w, outcome)
  }

  private async rehearse(pending: Pending[]): Promise<PerformOutcome[]> {
    const provider = this.options.provider
    const outcomes: PerformOutcome[] = []
    for (const p of pending) {
      const w = p.watched
      const data = guardInterface().encodeFunctionData('performUpkeep', [p.check.performData])
      // The forwarder calls the target with exactly the upkeep's gas limit; as a transaction, add the intrinsic gas.
      const gasLimit = w.info.performGas + 21_000n + 16n * BigInt((data.length - 2) / 2)
      let receipt: TransactionReceipt
      if (this.options.mode.kind === 'impersonate') {
        if (!(await hasForwarderRole(w.guard, w.info.forwarder))) {
          const problem = this.forwarderProblem(w)
          this.emit('problem', { upkeepId: w.info.id, message: problem })
          continue
        }
        const prefix = this.impersonation!
        await provider.send(`${prefix}_impersonateAccount`, [w.info.forwarder])
        await provider.send(`${prefix}_setBalance`, [w.info.forwarder, toQuantity(10n ** 18n)])
        const hash = (await provider.send('eth_sendTransaction', [
          { from: w.info.forwarder, to: w.info.target, data, gas: toQuantity(gasLimit) },
        ])) as string
        receipt = (await provider.waitForTransaction(hash))!
      } else {
        const { signer } = this.options.mode as Extract<RunnerMode, { kind: 'forwarder-key' }>
        receipt = await this.send(signer, { to: w.info.target, data, gasLimit })
      }
      const balance = await tokenAmount(
        provider,
        w.info.billingToken,
        BigInt(await this.registry.getBalance(w.info.id)),
      )
      outcomes.push(
        this.recordPerform(w, {
          upkeepId: w.info.id,
          mode: this.options.mode.kind,
          txHash: receipt.hash,
          block: receipt.blockNumber,
          success: receipt.status === 1,
          gasUsed: receipt.gasUsed,
          balance,
          guardEvents: guardEvents(receipt.logs, w.info.target),
          registryEvents: [],
          problem: receipt.status === 1 ? undefined : `the guard's performUpkeep reverted (${receipt.hash})`,
        }),
      )
    }
    return outcomes
  }

  private recordPerform(w: Watched, outcome: PerformOutcome): PerformOutcome {
    w.status.balance = outcome.balance
    w.status.lastPerform = { txHash: outcome.txHash, block: outcome.block, success: outcome.success }
    if (outcome.problem) {
      w.status.problem = outcome.problem
      this.emit('problem', { upkeepId: w.info.id, message: outcome.problem })
    }
    this.emit('perform', outcome)
    return outcome
  }

  private async send(
    signer: Signer,
    tx: { to: string; data: string; gasLimit: bigint },
  ): Promise<TransactionReceipt> {
    const response = await signer.sendTransaction(tx)
    const receipt = await response.wait(1, undefined).catch((error: unknown) => {
      const receiptOf = (error as { receipt?: TransactionReceipt }).receipt
      if (receiptOf) return receiptOf
      throw error
    })
    if (!receipt) throw new UpkeepsError(`transaction ${response.hash} was not mined`, 'failed')
    return receipt
  }
}

/** Which impersonation RPC the node offers (Hardhat's or Anvil's), tried on an address to impersonate. */
async function detectImpersonation(provider: JsonRpcProvider, address: string): Promise<'hardhat' | 'anvil'> {
  for (const prefix of ['hardhat', 'anvil'] as const) {
    try {
      await provider.send(`${prefix}_impersonateAccount`, [address])
      return prefix
    } catch {
      // not this node's dialect
    }
  }
  throw new UpkeepsError(
    'this node cannot impersonate accounts (neither hardhat_ nor anvil_impersonateAccount): rehearse on a fork ' +
      '(hardhat node --fork <url>, anvil --fork-url <url>), or perform from a key that holds FORWARDER_ROLE ' +
      '(--mode forwarder-key)',
    'usage',
  )
}
