/**
 * The rehearsal: workflows of `workflows/` run as CRE runs them, on this machine. Each workflow's bundle (the code
 * a deployment compiles to WASM, cre/bundle.ts) is asked for its triggers as CRE's engine asks (the subscription
 * request, which also validates its config), then executed on a DON of local nodes (cre/host.ts) for each trigger
 * event: its cron schedule, and each log its log trigger's filter matches on the local chain. Its capability
 * calls reach the real things (cre/capabilities.ts): the adapters over HTTP, the chain, and Chainlink's
 * KeystoneForwarder with the local DON's keys.
 *
 * Executions run one at a time, in the order their triggers fire. The DON's clock (`runtime.now()`) is the
 * wall clock, or the chain's when it is ahead (a local chain mines a block per transaction, and may have its
 * time moved): one instant per execution, the same on every node. A log trigger acts on a log once its block
 * is mined, whatever its confidence level: a local chain has no reorgs, so every block is as final as it gets.
 *
 * As a library (the CLI's `run`, the demo): {@link Rehearsal.create}, then {@link Rehearsal.fireCron} and
 * {@link Rehearsal.pollLogs}, or {@link Rehearsal.start} / {@link Rehearsal.stop} to run on the triggers'
 * own timing; every execution is an `execution` event and the result of the call that caused it.
 */
import { EventEmitter } from 'node:events'
import { randomBytes } from 'node:crypto'
import { create } from '@bufbuild/protobuf'
import { type Any, anyPack, anyUnpack, timestampFromMs } from '@bufbuild/protobuf/wkt'
import { CRON_TRIGGER_PB, EVM_PB, SDK_PB } from '@chainlink/cre-sdk/pb'
import { getBytes, hexlify, type JsonRpcProvider, type Log } from 'ethers'
import { nextCronRunSeconds } from '#workflows/shared/cron'
import { workflowBundle } from './bundle'
import {
  localCapabilities,
  toProtoBigInt,
  type ExecutionContext,
  type WorkflowIdentity,
  type WriteOutcome,
} from './capabilities'
import { executeOnDon, type NodeResult } from './host'
import { localKeystone, rehearsalIdentity, type LocalCreDeployment } from './local'

/** A workflow to rehearse: its folder under `workflows/`, and its config (what its config file holds). */
export interface RehearsedWorkflow {
  name: string
  config: unknown
}

export type Trigger =
  | { index: number; kind: 'cron'; schedule: string }
  | { index: number; kind: 'log'; addresses: string[]; topics: (string[] | null)[]; confidence: string }

/** What fired an execution. */
export type TriggerEvent =
  | { index: number; kind: 'cron'; scheduledAtMs: number }
  | { index: number; kind: 'log'; address: string; txHash: string; logIndex: number; block: number }

/** One execution, as the issuer sees it. */
export interface ExecutionReport {
  workflow: string
  trigger: TriggerEvent
  donTimeMs: number
  nodes: number
  /** what node 0's handler returned (`written 0x…`, `skipped: within bounds`, `reported 0x…`, `backed`) */
  output?: string
  /** why the execution failed, when it did */
  error?: string
  /** the workflow's own log lines (node 0's) */
  logs: string[]
  /** what its reports did on-chain */
  writes: WriteOutcome[]
  /** nodes whose result differs from node 0's */
  divergentNodes: number[]
}

export interface RehearsalOptions {
  provider: JsonRpcProvider
  deployment: LocalCreDeployment
  workflows: RehearsedWorkflow[]
  /** the DON's size; default the local DON's (`3f + 1`) */
  nodes?: number
}

interface Loaded {
  name: string
  bundle: string
  config: Uint8Array
  identity: WorkflowIdentity
  triggers: Trigger[]
}

const MAX_RESPONSE_SIZE = 5n * 1024n * 1024n
const CONFIDENCE = ['SAFE', 'LATEST', 'FINALIZED'] as const

function resultText(result: NodeResult): string {
  if (result.case === 'error') return `error: ${result.value}`
  if (result.case === 'subscriptions') return 'subscriptions'
  return JSON.stringify(result.value.value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
}

/** What a trigger subscription asks for, decoded. */
function triggerOf(index: number, subscription: SDK_PB.TriggerSubscription): Trigger {
  if (subscription.id === 'cron-trigger@1.0.0') {
    const config = anyUnpack(subscription.payload!, CRON_TRIGGER_PB.ConfigSchema)!
    return { index, kind: 'cron', schedule: config.schedule }
  }
  if (/^evm:ChainSelector:\d+@1\.0\.0$/.test(subscription.id) && subscription.method === 'LogTrigger') {
    const config = anyUnpack(subscription.payload!, EVM_PB.FilterLogTriggerRequestSchema)!
    return {
      index,
      kind: 'log',
      addresses: config.addresses.map((address) => hexlify(address)),
      topics: config.topics.map((topic) =>
        topic.values.length === 0 ? null : topic.values.map((v) => hexlify(v)),
      ),
      confidence: CONFIDENCE[config.confidence] ?? 'LATEST',
    }
  }
  throw new Error(
    `trigger ${index}: ${subscription.id} ${subscription.method} is not one the rehearsal fires`,
  )
}

export class Rehearsal extends EventEmitter {
  private queue: Promise<unknown> = Promise.resolve()
  private timers: NodeJS.Timeout[] = []
  private polling?: Promise<void>
  private running = false
  /** Ends the log triggers' wait between two looks, at once (on stop). */
  private wake?: () => void
  /** The last block whose logs the log triggers have seen. */
  private logsThrough: number

  private constructor(
    private readonly options: RehearsalOptions,
    private readonly workflows: Loaded[],
    startBlock: number,
  ) {
    super()
    this.logsThrough = startBlock
  }

  /**
   * Builds each workflow's bundle and asks it for its triggers (its config validated as CRE's engine does it);
   * the log triggers see the logs of blocks mined from now on.
   */
  static async create(options: RehearsalOptions): Promise<Rehearsal> {
    const loaded: Loaded[] = []
    for (const { name, config } of options.workflows) {
      const bundle = await workflowBundle(name)
      const configBytes = new TextEncoder().encode(JSON.stringify(config))
      const { results } = await executeOnDon({
        bundle,
        request: create(SDK_PB.ExecuteRequestSchema, {
          config: configBytes,
          request: { case: 'subscribe', value: {} },
          maxResponseSize: MAX_RESPONSE_SIZE,
        }),
        nodes: 1,
        donTimeMs: Date.now(),
        serve: async (request) => {
          throw new Error(`${request.id} called while subscribing`)
        },
      })
      const [result] = results
      if (result.case !== 'subscriptions') throw new Error(`workflow ${name}: ${resultText(result)}`)
      loaded.push({
        name,
        bundle,
        config: configBytes,
        identity: rehearsalIdentity(options.deployment, name),
        triggers: result.value.subscriptions.map((subscription, index) => triggerOf(index, subscription)),
      })
    }
    return new Rehearsal(options, loaded, await options.provider.getBlockNumber())
  }

  /** The DON's size. */
  get nodes(): number {
    return this.options.nodes ?? this.options.deployment.don.signerKeys.length
  }

  /** Each workflow's triggers, as its subscription asked for them. */
  triggers(): { workflow: string; identity: WorkflowIdentity; triggers: Trigger[] }[] {
    return this.workflows.map(({ name, identity, triggers }) => ({ workflow: name, identity, triggers }))
  }

  private workflow(name: string): Loaded {
    const found = this.workflows.find((w) => w.name === name)
    if (!found) throw new Error(`workflow ${name} is not in this rehearsal`)
    return found
  }

  /** The DON's clock: the wall clock, or the chain's when it is ahead. */
  private async donTimeMs(): Promise<number> {
    const latest = await this.options.provider.getBlock('latest')
    return Math.max(Date.now(), (latest?.timestamp ?? 0) * 1000)
  }

  /** Runs one execution, after those already queued. */
  private execute(workflow: Loaded, event: TriggerEvent, payload: Any): Promise<ExecutionReport> {
    const run = async (): Promise<ExecutionReport> => {
      const { provider, deployment } = this.options
      const donTimeMs = await this.donTimeMs()
      const context: ExecutionContext = {
        workflow: workflow.identity,
        executionId: hexlify(randomBytes(32)),
        donTimeMs,
        writes: [],
      }
      const { keystone, transmitter } = localKeystone(deployment, provider)
      const { results, logs } = await executeOnDon({
        bundle: workflow.bundle,
        request: create(SDK_PB.ExecuteRequestSchema, {
          config: workflow.config,
          request: { case: 'trigger', value: { id: BigInt(event.index), payload } },
          maxResponseSize: MAX_RESPONSE_SIZE,
        }),
        nodes: this.nodes,
        donTimeMs,
        serve: localCapabilities({ provider, keystone, transmitter }, context),
      })
      const [first] = results
      const report: ExecutionReport = {
        workflow: workflow.name,
        trigger: event,
        donTimeMs,
        nodes: this.nodes,
        logs,
        writes: context.writes,
        divergentNodes: results.flatMap((result, node) =>
          resultText(result) === resultText(first) ? [] : [node],
        ),
      }
      if (first.case === 'value') {
        const value = first.value.value
        report.output = value.case === 'stringValue' ? value.value : resultText(first)
      } else {
        report.error = first.case === 'error' ? first.value : resultText(first)
      }
      this.emit('execution', report)
      return report
    }
    const next = this.queue.then(run, run)
    this.queue = next.catch(() => undefined)
    return next
  }

  /** Fires `workflow`'s cron trigger now (or as scheduled at `scheduledAtMs`). */
  fireCron(name: string, scheduledAtMs = Date.now()): Promise<ExecutionReport> {
    const workflow = this.workflow(name)
    const trigger = workflow.triggers.find((t) => t.kind === 'cron')
    if (!trigger) throw new Error(`workflow ${name} has no cron trigger`)
    const payload = create(CRON_TRIGGER_PB.PayloadSchema, {
      scheduledExecutionTime: timestampFromMs(scheduledAtMs),
    })
    return this.execute(
      workflow,
      { index: trigger.index, kind: 'cron', scheduledAtMs },
      anyPack(CRON_TRIGGER_PB.PayloadSchema, payload),
    )
  }

  /**
   * Runs the log triggers on the logs of the blocks mined since the last look (up to the block each trigger's
   * confidence allows), one execution per matching log, in chain order; returns those executions.
   */
  async pollLogs(): Promise<ExecutionReport[]> {
    const { provider } = this.options
    const head = await provider.getBlockNumber()
    if (head <= this.logsThrough) return []
    const from = this.logsThrough + 1
    this.logsThrough = head
    const executions: Promise<ExecutionReport>[] = []
    const matches: { workflow: Loaded; trigger: Trigger & { kind: 'log' }; log: Log }[] = []
    for (const workflow of this.workflows) {
      for (const trigger of workflow.triggers) {
        if (trigger.kind !== 'log') continue
        const logs = await provider.getLogs({
          address: trigger.addresses,
          topics: trigger.topics,
          fromBlock: from,
          toBlock: head,
        })
        for (const log of logs) matches.push({ workflow, trigger, log })
      }
    }
    matches.sort((a, b) => a.log.blockNumber - b.log.blockNumber || a.log.index - b.log.index)
    for (const { workflow, trigger, log } of matches) {
      const payload = create(EVM_PB.LogSchema, {
        address: getBytes(log.address),
        topics: log.topics.map((topic) => getBytes(topic)),
        txHash: getBytes(log.transactionHash),
        blockHash: getBytes(log.blockHash),
        data: getBytes(log.data),
        eventSig: log.topics[0] ? getBytes(log.topics[0]) : new Uint8Array(),
        blockNumber: toProtoBigInt(BigInt(log.blockNumber)),
        txIndex: log.transactionIndex,
        index: log.index,
        removed: log.removed,
      })
      executions.push(
        this.execute(
          workflow,
          {
            index: trigger.index,
            kind: 'log',
            address: log.address,
            txHash: log.transactionHash,
            logIndex: log.index,
            block: log.blockNumber,
          },
          anyPack(EVM_PB.LogSchema, payload),
        ),
      )
    }
    return Promise.all(executions)
  }

  /**
   * Runs on the triggers' own timing until {@link stop}: each cron trigger fires at once, then on its schedule
   * (in UTC); the log triggers look at every new block, every `pollIntervalMs`.
   */
  start(pollIntervalMs = 500): void {
    this.running = true
    for (const workflow of this.workflows) {
      for (const trigger of workflow.triggers) {
        if (trigger.kind !== 'cron') continue
        const fire = (atMs: number) => {
          if (!this.running) return
          void this.fireCron(workflow.name, atMs).catch((error: unknown) => this.emit('error', error))
          const next = nextCronRunSeconds(trigger.schedule, Math.floor(atMs / 1000)) * 1000
          this.timers.push(setTimeout(() => fire(next), Math.max(0, next - Date.now())))
        }
        fire(Date.now())
      }
    }
    const poll = async (): Promise<void> => {
      while (this.running) {
        try {
          await this.pollLogs()
        } catch (error) {
          this.emit('error', error)
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve
          this.timers.push(setTimeout(resolve, pollIntervalMs))
        })
      }
    }
    this.polling = poll()
  }

  /** Stops firing triggers and waits for the executions under way. */
  async stop(): Promise<void> {
    this.running = false
    for (const timer of this.timers.splice(0)) clearTimeout(timer)
    this.wake?.()
    await this.polling
    await this.queue
  }
}
