/**
 * How many entries one report to the guard may list for the gas its delivery has. The guard's `onReport` is all
 * or nothing: it reverts (`ReportGasExhausted`) when it lacks the gas for its whole list, because anyone may
 * deliver the DON's signed report and a delivery that returns is final (docs/contracts.md, "Failure modes").
 * So a report must never list more than its gas limit covers, or every delivery of it reverts: the workflow
 * asks `checkUpkeep` for at most that many entries, and the next execution reports the rest.
 *
 * SDK-free and dependency-free: the workflow, its config check, the contract tests (which hold these figures
 * to the guard and to Chainlink's KeystoneForwarder) and the rehearsal import the same code.
 */
import { type Hex, uintWord } from '../shared/abi-words'

/**
 * The guard's `MIN_GAS_PER_ASSET`: the gas it must have left to take up an entry (its check with every read at
 * its bound, and a pause with `MIN_PAUSE_GAS`); at most what one entry uses. An asset with more pause gas needs
 * its own `performGasNeeded(target)`.
 */
export const MIN_GAS_PER_ASSET = 486_666n

/** The guard's `MAX_ENTRIES`: the most entries `checkUpkeep` may be asked for. */
export const MAX_ENTRIES = 60

/**
 * KeystoneForwarder 1.5.0's own gas in a report transaction, apart from what it hands the receiver: the
 * 21,000 base, the calldata, `f + 1` signature checks (up to 11, for the largest DON it takes: 31 signers), the
 * transmission record, the receiver's ERC-165 check, and the 5,000 it keeps for after the call. Measured: a
 * report of one entry through a forwarder of 31 signers needs 663,525 gas at least, of which 486,666 go to
 * the entry (`test/contracts/cre-delivery.test.ts` holds `reportGasLimit` to the forwarder).
 */
export const FORWARDER_GAS = 200_000n

/** `onReport`'s own gas before the list: the forwarder, metadata and allowlist checks, the list's decoding. */
export const RECEIVER_GAS = 20_000n

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b

/**
 * The gas limit of a report transaction that lets `onReport` handle `entries` entries of at most
 * `gasPerEntry` each, whatever the listed contracts do: the forwarder's share, then the receiver's, of which
 * two calls (the forwarder's `report` to its `route`, `route` to the receiver) each keep back 1/64.
 */
export function reportGasLimit(entries: number, gasPerEntry: bigint = MIN_GAS_PER_ASSET): bigint {
  const receiver = RECEIVER_GAS + BigInt(entries) * gasPerEntry
  return FORWARDER_GAS + ceilDiv(receiver * 64n * 64n, 63n * 63n)
}

/** The most entries (up to `MAX_ENTRIES`) one report delivered with `gasLimit` covers; 0 if not even one. */
export function entriesCovered(gasLimit: bigint, gasPerEntry: bigint = MIN_GAS_PER_ASSET): number {
  let entries = 0
  while (entries < MAX_ENTRIES && reportGasLimit(entries + 1, gasPerEntry) <= gasLimit) entries++
  return entries
}

/** `checkData` asking the guard's `checkUpkeep` for at most `maxEntries` entries: `abi.encode(uint256)`. */
export function checkDataFor(maxEntries: number): Hex {
  return `0x${uintWord(BigInt(maxEntries), 256)}`
}
