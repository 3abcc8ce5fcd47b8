/**
 * One workflow execution on a local DON: what CRE's workflow engine does with the WASM, done with the JavaScript
 * bundle the WASM is made from (cre/bundle.ts). Each node of the DON runs the workflow in a worker thread of its
 * own (cre/node-worker.ts), from the same `ExecuteRequest` (the config, and the trigger or the subscription
 * request), and its capability calls come here:
 *
 * - a node-mode call (made inside `runInNodeMode`: the HTTP capability) is served for that node alone;
 * - a DON-mode call (the EVM read and write capabilities, the report) is served once for the DON, and every node
 *   gets the same answer, as from a capability's own consensus; nodes that make it with different inputs have
 *   diverged (a workflow that is not deterministic), and each gets an error;
 * - the consensus capability's `Simple` call waits for every node still running, then gives each the DON's
 *   aggregate of their observations (cre/consensus.ts).
 *
 * What serves the calls (a local chain, the adapters over HTTP, the local DON's keys) is the caller's
 * {@link CapabilityServer} (cre/capabilities.ts).
 */
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads'
import { create, equals, fromBinary, toBinary } from '@bufbuild/protobuf'
import { type Any, AnySchema, anyPack, anyUnpack } from '@bufbuild/protobuf/wkt'
import { SDK_PB, VALUES_PB } from '@chainlink/cre-sdk/pb'
import { donConsensus } from './consensus'
import type { NodeMessage, NodeWorkerData } from './node-worker'

/** A capability's answer: its payload, or an error message. */
export type CapabilityOutcome = { case: 'payload'; value: Any } | { case: 'error'; value: string }

/** Serves one capability call: `node` is the calling node for a node-mode call, undefined for a DON-mode call. */
export type CapabilityServer = (
  request: SDK_PB.CapabilityRequest,
  node: number | undefined,
) => Promise<CapabilityOutcome>

export const CONSENSUS_CAPABILITY = 'consensus@1.0.0-alpha'

/** What one node ended with: the workflow's result, or why the node stopped without one. */
export type NodeResult =
  | { case: 'value'; value: VALUES_PB.Value }
  | { case: 'error'; value: string }
  | { case: 'subscriptions'; value: SDK_PB.TriggerSubscriptionRequest }

export interface DonExecution {
  /** every node's result, by node */
  results: NodeResult[]
  /** node 0's log lines, in order (every node logs the same, but for its own node-mode reads) */
  logs: string[]
}

export interface ExecuteOptions {
  /** the workflow's bundle (cre/bundle.ts) */
  bundle: string
  request: SDK_PB.ExecuteRequest
  nodes: number
  /** the DON time the execution sees (`runtime.now()`), in ms */
  donTimeMs: number
  serve: CapabilityServer
  /** an execution running longer is stopped (CRE's limit is 5 minutes) */
  timeoutMs?: number
}

/**
 * The serialized form of a capability error the SDK reads back as a plain message (its wire format is
 * `visibility:origin:code:detail`; a code it does not know leaves the message as the detail alone).
 */
export function capabilityError(message: string): CapabilityOutcome {
  return { case: 'error', value: `Public:System:rehearsal:${message}` }
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * A node's worker runs on Node's own TypeScript type stripping (node-worker.ts imports nothing but Node's
 * worker_threads): not the process's loaders (tsx), which would slow every node's start. Its warning about
 * type stripping, once per node, is not shown.
 */
const WORKER_EXEC_ARGV = ['--no-warnings']

/** A `Simple` consensus call: each running node's input, then the DON's answer for all of them. */
interface ConsensusRound {
  inputs: Map<number, SDK_PB.SimpleConsensusInputs>
  answer?: CapabilityOutcome
  waiting: ((answer: CapabilityOutcome) => void)[]
}

/** Runs `request` on every node of the DON; resolves when every node has sent its result or stopped. */
export function executeOnDon(options: ExecuteOptions): Promise<DonExecution> {
  const { bundle, request, nodes, donTimeMs, serve, timeoutMs = 120_000 } = options
  const args = JSON.stringify([
    'main.js',
    Buffer.from(toBinary(SDK_PB.ExecuteRequestSchema, request)).toString('base64'),
  ])
  const results: (NodeResult | undefined)[] = new Array(nodes).fill(undefined)
  const logs: string[] = []
  const running = new Set(Array.from({ length: nodes }, (_, i) => i))
  const rounds = new Map<number, ConsensusRound>()
  const donCalls = new Map<
    number,
    { request: SDK_PB.CapabilityRequest; outcome: Promise<CapabilityOutcome> }
  >()
  const workers: Worker[] = []

  /** Answers the rounds every running node has joined (a node that stopped no longer counts). */
  const settleRounds = () => {
    for (const round of rounds.values()) {
      if (round.answer || [...running].some((node) => !round.inputs.has(node))) continue
      try {
        const value = donConsensus([...round.inputs.values()], nodes)
        round.answer = { case: 'payload', value: anyPack(VALUES_PB.ValueSchema, value) }
      } catch (error) {
        round.answer = capabilityError(errorMessage(error))
      }
      for (const resolve of round.waiting.splice(0)) resolve(round.answer)
    }
  }

  const outcomeOf = (
    node: number,
    call: SDK_PB.CapabilityRequest,
    mode: number,
  ): Promise<CapabilityOutcome> => {
    const guarded = (work: () => Promise<CapabilityOutcome>) =>
      work().catch((error: unknown) => capabilityError(errorMessage(error)))
    if (call.id === CONSENSUS_CAPABILITY && call.method === 'Simple') {
      const round: ConsensusRound = rounds.get(call.callbackId) ?? { inputs: new Map(), waiting: [] }
      rounds.set(call.callbackId, round)
      round.inputs.set(node, anyUnpack(call.payload!, SDK_PB.SimpleConsensusInputsSchema)!)
      const answer = new Promise<CapabilityOutcome>((resolve) => round.waiting.push(resolve))
      settleRounds()
      return answer
    }
    if (mode !== SDK_PB.Mode.DON) return guarded(() => serve(call, node))
    const first = donCalls.get(call.callbackId)
    if (!first) {
      const outcome = guarded(() => serve(call, undefined))
      donCalls.set(call.callbackId, { request: call, outcome })
      return outcome
    }
    const same =
      first.request.id === call.id &&
      first.request.method === call.method &&
      equals(AnySchema, first.request.payload ?? create(AnySchema), call.payload ?? create(AnySchema))
    return same
      ? first.outcome
      : Promise.resolve(
          capabilityError(`node ${node} diverged: its call ${call.callbackId} differs from another node's`),
        )
  }

  return new Promise<DonExecution>((resolve) => {
    const stop = (node: number, result: NodeResult) => {
      results[node] ??= result
      if (!running.delete(node)) return
      void workers[node].terminate()
      settleRounds()
      if (running.size === 0) {
        clearTimeout(timer)
        resolve({ results: results as NodeResult[], logs })
      }
    }
    const timer = setTimeout(() => {
      for (const node of [...running])
        stop(node, { case: 'error', value: `the execution took over ${timeoutMs} ms` })
    }, timeoutMs)

    for (let node = 0; node < nodes; node++) {
      const toHost = new MessageChannel()
      const replies = new MessageChannel()
      const signal = new SharedArrayBuffer(4)
      const flag = new Int32Array(signal)
      const pending = new Map<number, Promise<CapabilityOutcome>>()
      const data: NodeWorkerData = {
        bundle: new URL(`file://${bundle}`).href,
        args,
        donTimeMs,
        signal,
        port: toHost.port1,
        replies: replies.port2,
      }
      const worker = new Worker(new URL('./node-worker.ts', import.meta.url), {
        workerData: data,
        transferList: [toHost.port1, replies.port2],
        execArgv: WORKER_EXEC_ARGV,
      })
      workers.push(worker)
      const handle = (message: NodeMessage) => {
        switch (message.kind) {
          case 'call': {
            const call = fromBinary(SDK_PB.CapabilityRequestSchema, message.request)
            pending.set(call.callbackId, outcomeOf(node, call, message.mode))
            break
          }
          case 'await': {
            const { ids } = fromBinary(SDK_PB.AwaitCapabilitiesRequestSchema, message.request)
            void Promise.all(
              ids.map(async (id) => {
                const outcome = (await pending.get(id)) ?? capabilityError(`no call ${id} was made`)
                pending.delete(id)
                return [id, create(SDK_PB.CapabilityResponseSchema, { response: outcome })] as const
              }),
            ).then((answers) => {
              const reply = create(SDK_PB.AwaitCapabilitiesResponseSchema, {
                responses: Object.fromEntries(answers),
              })
              replies.port1.postMessage(toBinary(SDK_PB.AwaitCapabilitiesResponseSchema, reply))
              Atomics.store(flag, 0, 1)
              Atomics.notify(flag, 0)
            })
            break
          }
          case 'log':
            if (node === 0) logs.push(message.message)
            break
          case 'response': {
            const { result } = fromBinary(SDK_PB.ExecutionResultSchema, message.result)
            if (result.case === 'value' || result.case === 'error') stop(node, result)
            else if (result.case === 'triggerSubscriptions')
              stop(node, { case: 'subscriptions', value: result.value })
            else stop(node, { case: 'error', value: `the workflow answered ${result.case ?? 'nothing'}` })
            break
          }
        }
      }
      toHost.port2.on('message', handle)
      worker.on('error', (error) =>
        stop(node, { case: 'error', value: `node ${node} crashed: ${errorMessage(error)}` }),
      )
      worker.on('exit', (code) => {
        // The worker's exit can arrive before the last messages it posted: read them first.
        for (let left = receiveMessageOnPort(toHost.port2); left; left = receiveMessageOnPort(toHost.port2)) {
          handle(left.message as NodeMessage)
        }
        stop(node, { case: 'error', value: `node ${node} exited (${code}) without a result` })
      })
    }
  })
}
