/**
 * ABI words by hand. The report payloads are a few 32-byte words, and the modules that build them
 * must load unchanged in three runtimes: the compiled workflow (QuickJS in WASM: no Node APIs, no
 * Buffer), Bun (the workflow tests) and Node (the on-chain Jest tests, which check that the contracts
 * accept exactly these bytes). So: no dependency, and no import of the CRE SDK, whose global type
 * restrictions (fs, crypto, fetch typed `never`) would leak into any TypeScript program importing it.
 * Decoding is strict: a word with dirty high bits or a payload of the wrong length is refused.
 */

/** 0x-prefixed hex. */
export type Hex = `0x${string}`

const WORD_HEX_CHARS = 64

/** Whether `value` is 0x-prefixed hex of whole bytes (`0x` alone is zero bytes). */
export function isHexBytes(value: string): value is Hex {
  return /^0x(?:[0-9a-fA-F]{2})*$/.test(value)
}

/** The bytes of 0x-prefixed hex. */
export function hexToBytes(hex: string): Uint8Array {
  if (!isHexBytes(hex)) throw new TypeError(`not 0x-prefixed hex of whole bytes: ${hex.slice(0, 20)}`)
  const bytes = new Uint8Array((hex.length - 2) / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16)
  return bytes
}

/** Lowercase 0x-prefixed hex of bytes. */
export function bytesToHex(bytes: Uint8Array): Hex {
  let hex = '0x'
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex as Hex
}

function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 8 || bits > 256 || bits % 8 !== 0) {
    throw new RangeError(`not an ABI integer width: ${bits}`)
  }
}

/** The ABI word (64 hex characters, no prefix) of an unsigned integer of `bits` bits. */
export function uintWord(value: bigint, bits: number): string {
  checkBits(bits)
  if (value < 0n || value >= 1n << BigInt(bits)) throw new RangeError(`${value} does not fit uint${bits}`)
  return value.toString(16).padStart(WORD_HEX_CHARS, '0')
}

/** The ABI word of a signed integer of `bits` bits: two's complement, sign-extended to 256 bits. */
export function intWord(value: bigint, bits: number): string {
  checkBits(bits)
  const limit = 1n << BigInt(bits - 1)
  if (value < -limit || value >= limit) throw new RangeError(`${value} does not fit int${bits}`)
  return BigInt.asUintN(256, value).toString(16).padStart(WORD_HEX_CHARS, '0')
}

/** Splits ABI-encoded data into its words; refuses data that is not whole words. */
export function splitWords(data: Hex): string[] {
  if (!isHexBytes(data)) throw new TypeError('ABI data must be 0x-prefixed hex of whole bytes')
  const hex = data.slice(2).toLowerCase()
  if (hex.length % WORD_HEX_CHARS !== 0) {
    throw new RangeError(`ABI data must be whole 32-byte words; got ${hex.length / 2} bytes`)
  }
  const words: string[] = []
  for (let i = 0; i < hex.length; i += WORD_HEX_CHARS) words.push(hex.slice(i, i + WORD_HEX_CHARS))
  return words
}

/** The unsigned integer of `bits` bits in an ABI word; refuses a word with bits set above them. */
export function wordToUint(word: string, bits: number): bigint {
  checkBits(bits)
  const value = BigInt(`0x${word}`)
  if (value >= 1n << BigInt(bits)) throw new RangeError(`ABI word 0x${word} does not hold a uint${bits}`)
  return value
}

/** The signed integer of `bits` bits in an ABI word; refuses a word that is not its sign extension. */
export function wordToInt(word: string, bits: number): bigint {
  checkBits(bits)
  const value = BigInt.asIntN(256, BigInt(`0x${word}`))
  const limit = 1n << BigInt(bits - 1)
  if (value < -limit || value >= limit) throw new RangeError(`ABI word 0x${word} does not hold an int${bits}`)
  return value
}
