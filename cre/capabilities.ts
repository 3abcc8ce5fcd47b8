/**
 * The capabilities a rehearsal serves a workflow's nodes (cre/host.ts), each the real thing on this machine:
 *
 * - HTTP (`http-actions@1.0.0-alpha`, `SendRequest`): the request, sent with `fetch` to the URL the workflow
 *   names (a running adapter), each node its own;
 * - EVM (`evm:ChainSelector:<selector>@1.0.0`), every chain selector served by the one local chain:
 *   `CallContract` as an `eth_call` at the block asked for, and `WriteReport` as the DON's transmitter sends it:
 *   `KeystoneForwarder.report(receiver, rawReport, reportContext, signatures)` with the workflow's gas limit,
 *   its outcome read back from the forwarder's `ReportProcessed` (a receiver's revert is recorded as failed by
 *   the forwarder, and its error decoded by simulating the forwarder's call);
 * - consensus `Report`: the raw report KeystoneForwarder parses (cre's metadata: the execution, the DON, the
 *   workflow's ID, name and owner), signed by `f + 1` keys of the local DON.
 *
 * Everything else answers an error naming the capability: the rehearsal serves what the workflows use.
 */
import { create, type DescMessage, type MessageShape } from '@bufbuild/protobuf'
import { anyPack, anyUnpack } from '@bufbuild/protobuf/wkt'
import { EVM_PB, HTTP_CLIENT_PB, SDK_PB, VALUES_PB } from '@chainlink/cre-sdk/pb'
import {
  Interface,
  ZeroAddress,
  dataSlice,
  getAddress,
  getBytes,
  hexlify,
  type JsonRpcProvider,
  type Log,
  type Signer,
  type TransactionReceipt,
} from 'ethers'
import { dataFeedsCacheAt, reserveGuardAt } from '#chain/contracts'
import { eventsNamed } from '#chain/events'
import { Reason } from '#chain/types'
import { onChainWorkflowName } from '#devkit/data-feeds'
import { encodeRawReport, reportContext, signReport, type LocalKeystone } from '#devkit/keystone'
import { capabilityError, type CapabilityOutcome, type CapabilityServer } from './host'

type Hex = string

/** Who a workflow's reports say they come from (the forwarder passes it to the receiver). */
export interface WorkflowIdentity {
  /** bytes32 */
  id: Hex
  /** as in workflow.yaml (`workflow-name`): the forwarder passes its 10-byte on-chain form */
  name: string
  owner: string
}

/** An event a report's transaction emitted, decoded with the receiver's or the forwarder's ABI. */
export interface ReportEvent {
  contract: 'receiver' | 'forwarder'
  name: string
  /** `Name(arg=value, …)` */
  text: string
}

/** What one of an execution's reports did on-chain. */
export interface WriteOutcome {
  receiver: string
  gasLimit: bigint
  txHash?: string
  block?: number
  gasUsed?: bigint
  /** the transaction: mined and not reverted (`SUCCESS`), or reverted by the forwarder itself */
  txStatus: 'SUCCESS' | 'REVERTED' | 'FATAL'
  /** the receiver's `onReport` returned (the forwarder's `ReportProcessed` result) */
  delivered: boolean
  /** why the transaction or the receiver reverted, decoded when the ABIs know the error */
  error?: string
  events: ReportEvent[]
}

/** One execution, as the capabilities see it: whose it is, its ID and time, and what its reports did. */
export interface ExecutionContext {
  workflow: WorkflowIdentity
  /** bytes32, unique per execution: with the receiver and report ID, the forwarder's transmission ID */
  executionId: Hex
  donTimeMs: number
  writes: WriteOutcome[]
}

/** The chain, its forwarder with the local DON's keys, and the account that transmits the DON's reports. */
export interface LocalChainAccess {
  provider: JsonRpcProvider
  keystone: LocalKeystone
  transmitter: Signer
}

/** The report ID of every report (bytes2); the forwarder keys transmissions by receiver, execution and it. */
const REPORT_ID = '0x0001'
/** A write without a gas config: the SDK's writeReport takes one; this is a ceiling for a bare call. */
const DEFAULT_WRITE_GAS = 5_000_000n

const HTTP_CAPABILITY = 'http-actions@1.0.0-alpha'
const EVM_CAPABILITY = /^evm:ChainSelector:(\d+)@1\.0\.0$/

/** A protobuf BigInt (sign and big-endian magnitude) as a bigint, and back (the SDK's helpers come with its
 * restricted global types, which the Node code must not import). */
function fromProtoBigInt(value: VALUES_PB.BigInt | undefined): bigint | undefined {
  if (!value) return undefined
  const magnitude = value.absVal.length === 0 ? 0n : BigInt(hexlify(value.absVal))
  return value.sign < 0n ? -magnitude : magnitude
}

export function toProtoBigInt(value: bigint): VALUES_PB.BigInt {
  const magnitude = value < 0n ? -value : value
  const hex = magnitude.toString(16)
  return create(VALUES_PB.BigIntSchema, {
    absVal: magnitude === 0n ? new Uint8Array() : getBytes(`0x${hex.length % 2 ? '0' : ''}${hex}`),
    sign: value < 0n ? -1n : 1n,
  })
}

/** The block an EVM read asks for: the SDK's -2 (latest) and -3 (finalized), or a number. */
function blockTag(blockNumber: VALUES_PB.BigInt | undefined): string | number {
  const block = fromProtoBigInt(blockNumber)
  if (block === undefined || block === -2n) return 'latest'
  if (block === -3n) return 'finalized'
  if (block < 0n) throw new Error(`block number ${block} is not one the rehearsal reads at`)
  return Number(block)
}

const payload = <D extends DescMessage>(schema: D, value: MessageShape<D>): CapabilityOutcome => ({
  case: 'payload',
  value: anyPack(schema, value),
})

function unpack<D extends DescMessage>(schema: D, request: SDK_PB.CapabilityRequest): MessageShape<D> {
  const message = request.payload ? anyUnpack(request.payload, schema) : undefined
  if (!message) throw new Error(`${request.id} ${request.method}: the payload is not a ${schema.typeName}`)
  return message
}

/** The ABIs a report's receiver may have: the guard's (its errors and events) and DataFeedsCache's. */
const receiverInterfaces = (): Interface[] => [
  reserveGuardAt(ZeroAddress).interface,
  dataFeedsCacheAt(ZeroAddress).interface,
]

const shown = (value: unknown): string =>
  typeof value === 'bigint'
    ? value.toString()
    : Array.isArray(value)
      ? `[${value.map(shown).join(', ')}]`
      : String(value)

const REASONS = Object.fromEntries(Object.entries(Reason).map(([name, value]) => [value.toString(), name]))

/** `Name(arg=value, …)`, a `ReserveCheck.Reason` by its name. */
function describeParsed(
  name: string,
  inputs: readonly { name: string; type: string }[],
  args: readonly unknown[],
): string {
  const value = (input: { name: string; type: string }, arg: unknown) =>
    input.name === 'reason' && input.type === 'uint8' ? (REASONS[String(arg)] ?? shown(arg)) : shown(arg)
  return `${name}(${inputs.map((input, i) => `${input.name || i}=${value(input, args[i])}`).join(', ')})`
}

async function decodeRevert(data: string | undefined, extra: Interface[] = []): Promise<string | undefined> {
  if (!data || data === '0x') return undefined
  for (const iface of [...extra, ...receiverInterfaces()]) {
    const parsed = iface.parseError(data)
    if (parsed) return describeParsed(parsed.name, parsed.fragment.inputs, [...parsed.args])
  }
  return data
}

async function receiverEvents(receipt: TransactionReceipt, receiver: string): Promise<ReportEvent[]> {
  const events: ReportEvent[] = []
  const interfaces = receiverInterfaces()
  for (const log of receipt.logs as Log[]) {
    if (log.address.toLowerCase() !== receiver.toLowerCase()) continue
    const parsed = interfaces.map((iface) => iface.parseLog(log)).find((found) => found !== null)
    events.push({
      contract: 'receiver',
      name: parsed?.name ?? log.topics[0],
      text: parsed
        ? describeParsed(parsed.name, parsed.fragment.inputs, [...parsed.args])
        : `log ${log.topics[0]}`,
    })
  }
  return events
}

/**
 * The capability server of one execution on the local chain: what its nodes call (see the file's comment),
 * recording each report's outcome in `context.writes`.
 */
export function localCapabilities(access: LocalChainAccess, context: ExecutionContext): CapabilityServer {
  const { provider, keystone, transmitter } = access
  let sequence = 0n

  async function sendRequest(request: SDK_PB.CapabilityRequest): Promise<CapabilityOutcome> {
    const call = unpack(HTTP_CLIENT_PB.RequestSchema, request)
    const timeoutMs = call.timeout ? Number(call.timeout.seconds) * 1000 + call.timeout.nanos / 1e6 : 60_000
    const response = await fetch(call.url, {
      method: call.method || 'GET',
      headers: call.headers,
      body: call.body.length > 0 ? call.body : undefined,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    })
    return payload(
      HTTP_CLIENT_PB.ResponseSchema,
      create(HTTP_CLIENT_PB.ResponseSchema, {
        statusCode: response.status,
        headers: Object.fromEntries(response.headers.entries()),
        body: new Uint8Array(await response.arrayBuffer()),
      }),
    )
  }

  async function callContract(request: SDK_PB.CapabilityRequest): Promise<CapabilityOutcome> {
    const { call, blockNumber } = unpack(EVM_PB.CallContractRequestSchema, request)
    if (!call) throw new Error('CallContract without a call')
    try {
      const data = await provider.call({
        from: call.from.length ? getAddress(hexlify(call.from)) : undefined,
        to: getAddress(hexlify(call.to)),
        data: hexlify(call.data),
        blockTag: blockTag(blockNumber),
      })
      return payload(
        EVM_PB.CallContractReplySchema,
        create(EVM_PB.CallContractReplySchema, { data: getBytes(data) }),
      )
    } catch (error) {
      const reason = await decodeRevert((error as { data?: string }).data)
      throw new Error(`the call to ${hexlify(call.to)} reverted${reason ? `: ${reason}` : ''}`)
    }
  }

  async function report(request: SDK_PB.CapabilityRequest): Promise<CapabilityOutcome> {
    const { encodedPayload, encoderName, signingAlgo, hashingAlgo } = unpack(
      SDK_PB.ReportRequestSchema,
      request,
    )
    if (encoderName !== 'evm' || signingAlgo !== 'ecdsa' || hashingAlgo !== 'keccak256') {
      throw new Error(
        `a report encoded ${encoderName}, signed ${signingAlgo}, hashed ${hashingAlgo}: the local DON signs evm/ecdsa/keccak256 reports`,
      )
    }
    const { don } = keystone
    const raw = encodeRawReport(
      don,
      {
        workflowId: context.workflow.id,
        workflowOwner: context.workflow.owner,
        workflowName: onChainWorkflowName(context.workflow.name),
        workflowExecutionId: context.executionId,
        reportId: REPORT_ID,
        timestamp: Math.floor(context.donTimeMs / 1000),
      },
      hexlify(encodedPayload),
    )
    sequence++
    const contextBytes = reportContext(sequence)
    const signatures = signReport(raw, contextBytes, don.signers.slice(0, don.f + 1))
    return payload(
      SDK_PB.ReportResponseSchema,
      create(SDK_PB.ReportResponseSchema, {
        configDigest: getBytes(dataSlice(contextBytes, 0, 32)),
        seqNr: sequence,
        reportContext: getBytes(contextBytes),
        rawReport: getBytes(raw),
        sigs: signatures.map((signature, signerId) =>
          create(SDK_PB.AttributedSignatureSchema, { signature: getBytes(signature), signerId }),
        ),
      }),
    )
  }

  /** Why the receiver's `onReport` reverted: the forwarder's call simulated at the block before, with its gas. */
  async function receiverRevert(receiver: string, raw: string, receipt: TransactionReceipt): Promise<string> {
    const info = await keystone.forwarder.getTransmissionInfo(receiver, dataSlice(raw, 1, 33), REPORT_ID)
    const onReport = new Interface(['function onReport(bytes metadata, bytes report)'])
    try {
      await provider.call({
        from: keystone.address,
        to: receiver,
        data: onReport.encodeFunctionData('onReport', [dataSlice(raw, 45, 109), dataSlice(raw, 109)]),
        // What the forwarder had for the receiver, less its ERC-165 check: about what the call got.
        gasLimit: info.gasLimit > 40_000n ? info.gasLimit - 40_000n : info.gasLimit,
        blockTag: receipt.blockNumber - 1,
      })
      return 'the receiver reverted (its error did not show again when simulated)'
    } catch (error) {
      return (
        (await decodeRevert((error as { data?: string }).data)) ?? 'the receiver reverted without an error'
      )
    }
  }

  async function writeReport(request: SDK_PB.CapabilityRequest): Promise<CapabilityOutcome> {
    const call = unpack(EVM_PB.WriteReportRequestSchema, request)
    if (!call.report) throw new Error('WriteReport without a report')
    const receiver = getAddress(hexlify(call.receiver))
    const raw = hexlify(call.report.rawReport)
    const gasLimit = call.gasConfig?.gasLimit ?? DEFAULT_WRITE_GAS
    const outcome: WriteOutcome = { receiver, gasLimit, txStatus: 'FATAL', delivered: false, events: [] }
    context.writes.push(outcome)
    const forwarder = keystone.forwarder.connect(transmitter)
    const args = [
      receiver,
      raw,
      hexlify(call.report.reportContext),
      call.report.sigs.map((sig: SDK_PB.AttributedSignature) => hexlify(sig.signature)),
    ] as const
    let receipt: TransactionReceipt | null
    try {
      const sent = await forwarder.report(...args, { gasLimit })
      outcome.txHash = sent.hash
      receipt = await provider.waitForTransaction(sent.hash)
    } catch (error) {
      outcome.error = (error as Error).message.split('\n')[0]
      return payload(
        EVM_PB.WriteReportReplySchema,
        create(EVM_PB.WriteReportReplySchema, {
          txStatus: EVM_PB.TxStatus.FATAL,
          errorMessage: outcome.error,
        }),
      )
    }
    if (!receipt) throw new Error(`transaction ${outcome.txHash} not mined`)
    outcome.block = receipt.blockNumber
    outcome.gasUsed = receipt.gasUsed
    const reply = create(EVM_PB.WriteReportReplySchema, {
      txHash: getBytes(receipt.hash),
      transactionFee: toProtoBigInt(receipt.gasUsed * receipt.gasPrice),
    })
    if (receipt.status !== 1) {
      // The forwarder itself reverted (too little gas to route, a report already delivered, …).
      outcome.txStatus = 'REVERTED'
      try {
        await forwarder.report.staticCall(...args, { gasLimit, blockTag: receipt.blockNumber - 1 })
        outcome.error = 'the forwarder reverted'
      } catch (error) {
        outcome.error =
          (await decodeRevert((error as { data?: string }).data, [keystone.forwarder.interface])) ??
          'the forwarder reverted'
      }
      reply.txStatus = EVM_PB.TxStatus.REVERTED
      reply.errorMessage = outcome.error
      return payload(EVM_PB.WriteReportReplySchema, reply)
    }
    outcome.txStatus = 'SUCCESS'
    const [processed] = eventsNamed(receipt, keystone.forwarder, 'ReportProcessed')
    outcome.delivered = processed?.result === true
    outcome.events = [
      ...(await receiverEvents(receipt, receiver)),
      {
        contract: 'forwarder',
        name: 'ReportProcessed',
        text: `ReportProcessed(result=${outcome.delivered})`,
      },
    ]
    reply.txStatus = EVM_PB.TxStatus.SUCCESS
    reply.receiverContractExecutionStatus = outcome.delivered
      ? EVM_PB.ReceiverContractExecutionStatus.SUCCESS
      : EVM_PB.ReceiverContractExecutionStatus.REVERTED
    if (!outcome.delivered) {
      outcome.error = await receiverRevert(receiver, raw, receipt)
      reply.errorMessage = outcome.error
    }
    return payload(EVM_PB.WriteReportReplySchema, reply)
  }

  return async (request) => {
    if (request.id === HTTP_CAPABILITY && request.method === 'SendRequest') return sendRequest(request)
    if (EVM_CAPABILITY.test(request.id)) {
      if (request.method === 'CallContract') return callContract(request)
      if (request.method === 'WriteReport') return writeReport(request)
    }
    if (request.id === 'consensus@1.0.0-alpha' && request.method === 'Report') return report(request)
    return capabilityError(`${request.id} ${request.method}: the local rehearsal does not serve it`)
  }
}
