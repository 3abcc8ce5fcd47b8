/**
 * A local CRE write path: Chainlink's own KeystoneForwarder (`@chainlink/contracts` 1.5.0, built with solc
 * 0.8.24 as Chainlink builds it) deployed on a local chain and configured with a DON of fresh local keys, and
 * reports built and signed the way the DON does, delivered through `forwarder.report(receiver, rawReport,
 * reportContext, signatures)`. The forwarder then checks the signatures and calls the receiver's
 * `onReport(metadata, payload)` exactly as on a live network. Used by the contract tests of the CRE receivers
 * (ReserveGuard, and DataFeedsCache through devkit/data-feeds.ts).
 *
 * Anyone may send a signed report: the signatures are what the forwarder checks. A delivery whose `onReport`
 * reverted (out of gas included) is recorded as failed and may be sent again, by anyone, with more gas; one
 * that returned is final (`AlreadyAttempted`), and so is one to a receiver that does not answer ERC-165 for
 * `IReceiver` within the forwarder's gas for that check.
 *
 * The raw report is what KeystoneForwarder 1.5.0 parses (`_getMetadata`, and the slices it passes on):
 *
 * | bytes   | field                 | size |
 * | ------- | --------------------- | ---- |
 * | 0       | version               | 1    |
 * | 1–32    | workflow execution ID | 32   |
 * | 33–36   | timestamp             | 4    |
 * | 37–40   | DON ID                | 4    |
 * | 41–44   | DON config version    | 4    |
 * | 45–76   | workflow ID (CID)     | 32   |
 * | 77–86   | workflow name         | 10   |
 * | 87–106  | workflow owner        | 20   |
 * | 107–108 | report ID             | 2    |
 * | 109–    | payload               |      |
 *
 * Bytes 45–108 are the receiver's `metadata`, bytes 109– its `report`. A signature is over
 * `keccak256(keccak256(rawReport) ‖ reportContext)`, 65 bytes `r ‖ s ‖ v` with `v` the recovery bit (0 or 1:
 * the forwarder adds 27). The forwarder wants exactly `f + 1` signatures of distinct configured signers.
 */
import {
  Wallet,
  type BaseWallet,
  concat,
  getBytes,
  hexlify,
  keccak256,
  randomBytes,
  toBeHex,
  zeroPadValue,
  type Signer,
  type TransactionReceipt,
} from 'ethers'
import { deployKeystoneForwarder, type KeystoneForwarder } from '#chain/contracts'
import { eventsNamed, mined } from '#chain/events'

type Hex = string

/** The DON a local forwarder is configured with: its ID, config version, fault tolerance and signer keys. */
export interface LocalDon {
  donId: number
  configVersion: number
  f: number
  signers: BaseWallet[]
}

export interface LocalKeystone {
  forwarder: KeystoneForwarder
  address: string
  don: LocalDon
}

export interface LocalKeystoneOptions {
  donId?: number
  configVersion?: number
  /** Fault tolerance; the DON has `3f + 1` signers (the least `setConfig` takes). Default 1. */
  f?: number
}

/** Deploys a KeystoneForwarder owned by `deployer` and sets its config to a DON of `3f + 1` fresh keys. */
export async function deployLocalKeystone(
  deployer: Signer,
  { donId = 1, configVersion = 1, f = 1 }: LocalKeystoneOptions = {},
): Promise<LocalKeystone> {
  const forwarder = await deployKeystoneForwarder(deployer)
  const signers = Array.from({ length: 3 * f + 1 }, () => Wallet.createRandom())
  await mined(
    forwarder.setConfig(
      donId,
      configVersion,
      f,
      signers.map((s) => s.address),
    ),
  )
  return { forwarder, address: await forwarder.getAddress(), don: { donId, configVersion, f, signers } }
}

/** Who a report says it comes from, and which execution produced it. */
export interface ReportOrigin {
  /** bytes32: the workflow ID the receiver allows. */
  workflowId: Hex
  /** The workflow owner's address. */
  workflowOwner: string
  /** bytes10, as the forwarder passes it (`onChainWorkflowName` of devkit/data-feeds.ts; default zero). */
  workflowName?: Hex
  /** bytes32: unique per execution (default random); with the receiver and report ID, the transmission ID. */
  workflowExecutionId?: Hex
  /** bytes2 (default 0x0001). */
  reportId?: Hex
  /** Unix seconds (default now). */
  timestamp?: number
}

function fixed(value: Hex | number | bigint, bytes: number): Hex {
  const hex = typeof value === 'string' ? value : toBeHex(value)
  if (getBytes(hex).length > bytes) throw new RangeError(`${hex} does not fit ${bytes} bytes`)
  return zeroPadValue(hex, bytes)
}

/** The 64 bytes of metadata the forwarder passes to `onReport`: workflow ID, name, owner, report ID. */
export function receiverMetadata(origin: ReportOrigin): Hex {
  const { workflowId, workflowOwner, workflowName = '0x', reportId = '0x0001' } = origin
  return concat([
    fixed(workflowId, 32),
    // bytes10 is left-aligned: pad on the right.
    hexlify(concat([getBytes(workflowName), new Uint8Array(10 - getBytes(workflowName).length)])),
    fixed(workflowOwner, 20),
    fixed(reportId, 2),
  ])
}

/** The raw report KeystoneForwarder parses: its 45-byte header, the receiver's metadata, the payload. */
export function encodeRawReport(don: LocalDon, origin: ReportOrigin, payload: Hex): Hex {
  const { workflowExecutionId = hexlify(randomBytes(32)), timestamp = Math.floor(Date.now() / 1000) } = origin
  return concat([
    '0x01',
    fixed(workflowExecutionId, 32),
    fixed(timestamp, 4),
    fixed(don.donId, 4),
    fixed(don.configVersion, 4),
    receiverMetadata(origin),
    payload,
  ])
}

/**
 * The OCR3 report context the DON signs along with the report (config digest, sequence number, padding):
 * the forwarder only hashes it, so any 96 bytes do; these are shaped like the DON's.
 */
export function reportContext(sequenceNumber = 1n): Hex {
  return concat([hexlify(randomBytes(32)), fixed(sequenceNumber, 32), fixed(0, 32)])
}

/** Signatures of `signers` over the report and its context, as the forwarder verifies them. */
export function signReport(rawReport: Hex, context: Hex, signers: readonly BaseWallet[]): Hex[] {
  const digest = keccak256(concat([keccak256(rawReport), context]))
  return signers.map((wallet) => {
    const signature = wallet.signingKey.sign(digest)
    return concat([signature.r, signature.s, toBeHex(signature.yParity, 1)])
  })
}

/** The arguments of `forwarder.report(receiver, rawReport, reportContext, signatures)`. */
export type ReportCall = [receiver: string, rawReport: Hex, reportContext: Hex, signatures: Hex[]]

export interface SignOptions {
  /** How many of the DON's signers sign (default `f + 1`, what the forwarder wants). */
  signatures?: number
}

/** A report for `receiver` built, and signed by the first `f + 1` signers of the DON (or as many as asked). */
export function signedReport(
  keystone: LocalKeystone,
  receiver: string,
  origin: ReportOrigin,
  payload: Hex,
  { signatures = keystone.don.f + 1 }: SignOptions = {},
): ReportCall {
  const raw = encodeRawReport(keystone.don, origin, payload)
  const context = reportContext()
  return [receiver, raw, context, signReport(raw, context, keystone.don.signers.slice(0, signatures))]
}

/**
 * The gas a report transaction is sent with. Not estimated: the forwarder catches the receiver's revert, so
 * an estimate finds the least gas with which the transaction succeeds, the receiver starved and refused.
 */
export const REPORT_GAS = { gasLimit: 5_000_000 }

export interface Delivery {
  receipt: TransactionReceipt
  /** The forwarder's `ReportProcessed` result: whether the receiver's `onReport` returned without reverting. */
  delivered: boolean
}

/**
 * Sends a signed report through the forwarder (as a DON node's transmitter would, or anyone who saw it) and
 * reads its outcome; `gas` is the transaction's (default {@link REPORT_GAS}).
 */
export async function deliver(
  keystone: LocalKeystone,
  transmitter: Signer,
  call: ReportCall,
  gas: { gasLimit: number } = REPORT_GAS,
): Promise<Delivery> {
  const forwarder = keystone.forwarder.connect(transmitter)
  const receipt = await mined(forwarder.report(...call, gas))
  const processed = eventsNamed(receipt, keystone.forwarder, 'ReportProcessed')
  if (processed.length !== 1) throw new Error(`expected one ReportProcessed, got ${processed.length}`)
  return { receipt, delivered: processed[0].result }
}
