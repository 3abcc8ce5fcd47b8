/**
 * The report the reserve-guard workflow sends the guard: exactly the `performData` that the guard's
 * own `checkUpkeep` returned, `abi.encode(uint256[] entries)` with one entry per asset to pause,
 * `uint256(uint160(target)) | index << 160`. The workflow never builds entries itself (the guard's
 * rules are the only judge of a shortfall); the encoders here are for tests that need performData to
 * stand in for the guard's. SDK-free and dependency-free (see ../shared/abi-words.ts): importable from
 * Node, so the guard's on-chain tests send exactly what the workflow sends.
 */
import { type Hex, bytesToHex, isHexBytes, splitWords, uintWord, wordToUint } from '../shared/abi-words'

/** An entry's registry index sits above the 160 bits of the target address. */
const INDEX_SHIFT = 160n
const ADDRESS_MASK = (1n << INDEX_SHIFT) - 1n
/** `abi.encode(uint256[])` starts with the offset of the array: one word. */
const ARRAY_OFFSET = 32n

/** One performData entry: `uint256(uint160(target)) | index << 160`. */
export function guardEntry(target: Hex, index: bigint): bigint {
  if (!/^0x[0-9a-fA-F]{40}$/.test(target)) throw new TypeError(`not a 20-byte address: ${target}`)
  if (index < 0n || index >= 1n << (256n - INDEX_SHIFT)) throw new RangeError(`index ${index} out of range`)
  return BigInt(target) | (index << INDEX_SHIFT)
}

/** The target address of an entry (lowercase). */
export function entryTarget(entry: bigint): Hex {
  return `0x${(entry & ADDRESS_MASK).toString(16).padStart(40, '0')}`
}

/** The registry index hint of an entry. */
export function entryIndex(entry: bigint): bigint {
  return entry >> INDEX_SHIFT
}

/** `abi.encode(uint256[] entries)`, as the guard's `checkUpkeep` encodes it. */
export function encodeGuardEntries(entries: readonly bigint[]): Hex {
  const words = [uintWord(ARRAY_OFFSET, 256), uintWord(BigInt(entries.length), 256)]
  for (const entry of entries) words.push(uintWord(entry, 256))
  return `0x${words.join('')}`
}

/** The entries of `abi.encode(uint256[] entries)`; refuses any other layout. */
export function decodeGuardEntries(performData: Hex): bigint[] {
  const words = splitWords(performData)
  if (words.length < 2 || wordToUint(words[0], 256) !== ARRAY_OFFSET) {
    throw new RangeError('performData is not abi.encode(uint256[])')
  }
  const count = wordToUint(words[1], 256)
  if (count !== BigInt(words.length - 2)) {
    throw new RangeError(`performData announces ${count} entries but holds ${words.length - 2}`)
  }
  return words.slice(2).map((word) => wordToUint(word, 256))
}

/**
 * The report payload for a `checkUpkeep` that asked for upkeep: its performData, byte for byte.
 * Refuses only what cannot be a request to pause anything (no bytes at all); whether the entries are
 * right is for the guard to judge again when the report arrives.
 */
export function guardReportPayload(performData: Hex | Uint8Array): Hex {
  const hex = typeof performData === 'string' ? performData : bytesToHex(performData)
  if (!isHexBytes(hex)) throw new TypeError('performData must be 0x-prefixed hex of whole bytes')
  if (hex.length <= 2) throw new RangeError('checkUpkeep asked for upkeep with empty performData')
  return hex
}
