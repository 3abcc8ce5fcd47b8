/**
 * One DON node running one workflow execution, in a worker thread: the host functions CRE's WASM engine gives a
 * workflow (`getWasiArgs`, `callCapability`, `awaitCapabilities`, `switchModes`, `now`, `log`, `sendResponse`,
 * … on `globalThis`: the SDK's `host-bindings`) are installed, then the workflow's JavaScript bundle, the one
 * `cre-compile` turns into WASM, is imported and runs its `main()` as it does in the engine.
 *
 * A capability call is asynchronous on the host's side (HTTP, JSON-RPC) but synchronous for the workflow, as in
 * the engine: `awaitCapabilities` posts the call IDs to the host, then blocks on a shared flag (`Atomics.wait`)
 * until the host has the answers, and reads them from its reply port (`receiveMessageOnPort`).
 */
import { enableCompileCache } from 'node:module'
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads'

/** What the host hands a node (cre/host.ts). */
export interface NodeWorkerData {
  /** file URL of the workflow's JavaScript bundle */
  bundle: string
  /** `getWasiArgs()`: JSON of [script name, base64 ExecuteRequest] */
  args: string
  /** `now()`: the execution's DON time, in ms */
  donTimeMs: number
  /** Int32 flag the host sets to 1 when a reply is waiting */
  signal: SharedArrayBuffer
  /** to the host: calls, awaits, logs, the response */
  port: MessagePort
  /** from the host: the answers to awaits, read synchronously */
  replies: MessagePort
}

/** What a node posts to the host. */
export type NodeMessage =
  | { kind: 'call'; request: Uint8Array; mode: number }
  | { kind: 'await'; request: Uint8Array }
  | { kind: 'log'; message: string }
  | { kind: 'response'; result: Uint8Array }

const { bundle, args, donTimeMs, signal, port, replies } = workerData as NodeWorkerData
const flag = new Int32Array(signal)
/** The SDK's `Mode`: DON (1) until the runtime switches to NODE (2) and back. */
let mode = 1

// The SDK checks each host function's return type: `log` and `switchModes` return nothing.
const post = (message: NodeMessage): void => {
  port.postMessage(message)
}

Object.assign(globalThis, {
  versionV2: () => undefined,
  getWasiArgs: () => args,
  switchModes: (next: number) => {
    mode = next
  },
  log: (message: string) => post({ kind: 'log', message }),
  // DON time: one instant for the whole execution, the same on every node.
  now: () => donTimeMs,
  sleep: () => undefined,
  sendResponse: (result: Uint8Array) => {
    post({ kind: 'response', result: Uint8Array.from(result) })
    return 0
  },
  callCapability: (request: Uint8Array) => {
    post({ kind: 'call', request: Uint8Array.from(request), mode })
    return 0
  },
  awaitCapabilities: (request: Uint8Array) => {
    Atomics.store(flag, 0, 0)
    post({ kind: 'await', request: Uint8Array.from(request) })
    Atomics.wait(flag, 0, 0)
    const reply = receiveMessageOnPort(replies)
    if (!reply) throw new Error('the host signalled a reply but sent none')
    return reply.message as Uint8Array
  },
  getSecrets: () => {
    throw new Error('the rehearsal holds no secrets')
  },
  awaitSecrets: () => {
    throw new Error('the rehearsal holds no secrets')
  },
})

// V8's compiled code for the bundle, kept on disk beside it: every node of every execution loads the same file.
enableCompileCache(new URL('.', bundle).pathname)
await import(bundle)
