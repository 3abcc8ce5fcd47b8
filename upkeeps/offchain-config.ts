/**
 * An upkeep's off-chain config, as Chainlink's Automation nodes read it: CBOR holding one map whose only key
 * today is `maxGasPrice`, in wei (docs.chain.link, "Set a gas price threshold on your upkeep"). A node
 * decodes it with `cbor.ParseDietCBORToStruct` into `{ MaxGasPrice *big.Int \`cbor:"maxGasPrice"\` }`
 * (chainlink core/services/ocr2/plugins/ocr2keeper/evmregistry/v21/gasprice): a map with or without its header
 * ("diet" CBOR), the price an unsigned integer or a bignum (tag 2). What a node cannot parse disables the
 * threshold, so the tools build the bytes from a number and read them back for `status`.
 */
import { parseAmount } from './format'
import { UpkeepsError } from './errors'

const KEY = 'maxGasPrice'
const GWEI_DECIMALS = 9

/** The empty config: no threshold (what `setUpkeepOffchainConfig(id, 0x)` restores). */
export const NO_OFFCHAIN_CONFIG = '0x'

function hexOf(bytes: number[]): string {
  return '0x' + bytes.map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** A CBOR head: major type and argument, in the shortest form (RFC 8949 §3). */
function head(major: number, value: bigint): number[] {
  const type = major << 5
  if (value < 24n) return [type | Number(value)]
  for (const [extra, bytes] of [
    [24, 1],
    [25, 2],
    [26, 4],
    [27, 8],
  ] as const) {
    if (value < 1n << BigInt(8 * bytes)) {
      const out = [type | extra]
      for (let i = bytes - 1; i >= 0; i--) out.push(Number((value >> BigInt(8 * i)) & 0xffn))
      return out
    }
  }
  throw new Error('a CBOR head holds at most 64 bits')
}

/** `{"maxGasPrice": wei}` as CBOR: an unsigned integer up to 2^64 - 1, a bignum (tag 2) above. */
export function encodeMaxGasPrice(wei: bigint): string {
  if (wei <= 0n) throw new UpkeepsError('a gas price threshold must be more than 0 wei', 'usage')
  const key = [...Buffer.from(KEY, 'utf8')]
  let value: number[]
  if (wei < 1n << 64n) {
    value = head(0, wei)
  } else {
    const hex = wei.toString(16)
    const digits = [...Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex')]
    value = [0xc2, ...head(2, BigInt(digits.length)), ...digits]
  }
  return hexOf([...head(5, 1n), ...head(3, BigInt(key.length)), ...key, ...value])
}

/** `--max-gas-price` as typed: gwei, exact to 9 decimals; `none` removes the threshold. */
export function offchainConfigFromGwei(text: string, field = '--max-gas-price'): string {
  if (text === 'none') return NO_OFFCHAIN_CONFIG
  return encodeMaxGasPrice(parseAmount(text, GWEI_DECIMALS, field, "gwei's"))
}

/** What a node reads from an upkeep's off-chain config. */
export type OffchainConfig =
  | { kind: 'none' }
  | { kind: 'maxGasPrice'; wei: bigint }
  /** bytes a node would not parse, or parse without a price: no threshold applies */
  | { kind: 'unreadable'; reason: string }

class Reader {
  private at = 0
  constructor(private readonly bytes: Buffer) {}

  get done(): boolean {
    return this.at >= this.bytes.length
  }

  peek(): number {
    if (this.done) throw new Error('the bytes end early')
    return this.bytes[this.at]
  }

  /** A head: its major type and argument (undefined for an indefinite length). */
  head(): { major: number; value?: bigint } {
    const first = this.peek()
    this.at++
    const major = first >> 5
    const info = first & 0x1f
    if (info < 24) return { major, value: BigInt(info) }
    if (info === 31) return { major }
    const size = { 24: 1, 25: 2, 26: 4, 27: 8 }[info]
    if (!size) throw new Error(`a reserved CBOR head 0x${first.toString(16)}`)
    return { major, value: this.uint(size) }
  }

  private uint(size: number): bigint {
    if (this.at + size > this.bytes.length) throw new Error('the bytes end early')
    let value = 0n
    for (let i = 0; i < size; i++) value = (value << 8n) | BigInt(this.bytes[this.at++])
    return value
  }

  take(length: bigint): Buffer {
    const end = this.at + Number(length)
    if (end > this.bytes.length) throw new Error('the bytes end early')
    const out = this.bytes.subarray(this.at, end)
    this.at = end
    return out
  }

  /** A value that is a number: an unsigned integer or a bignum; undefined for any other value (skipped). */
  number(): bigint | undefined {
    const { major, value } = this.head()
    if (major === 0) return value
    if (major === 6 && value === 2n) {
      const bytes = this.head()
      if (bytes.major !== 2 || bytes.value === undefined) throw new Error('a bignum holds a byte string')
      const digits = this.take(bytes.value)
      return digits.length === 0 ? 0n : BigInt('0x' + digits.toString('hex'))
    }
    throw new Error(`${KEY} is not an unsigned number (CBOR major type ${major})`)
  }

  /** Skips one value of any type (a key a node does not know is ignored, with its value). */
  skip(): void {
    const { major, value } = this.head()
    if (value === undefined) {
      while (this.peek() !== 0xff) this.skip() // an indefinite string, array or map: items up to a break
      this.at++
    } else if (major === 2 || major === 3) {
      this.take(value)
    } else if (major === 4 || major === 5) {
      for (let i = 0n; i < value * (major === 5 ? 2n : 1n); i++) this.skip()
    } else if (major === 6) {
      this.skip()
    }
  }

  text(): string {
    const { major, value } = this.head()
    if (major !== 3 || value === undefined) throw new Error('a key is not a text string')
    return this.take(value).toString('utf8')
  }
}

/** Reads an upkeep's off-chain config as a node does (a map, with or without its header). */
export function decodeOffchainConfig(hex: string): OffchainConfig {
  const bytes = Buffer.from(hex.slice(2), 'hex')
  if (bytes.length === 0) return { kind: 'none' }
  try {
    const reader = new Reader(bytes)
    // A map, or its entries alone ("diet" CBOR: the node wraps them in an indefinite-length map).
    const diet = bytes[0] >> 5 !== 5
    const entries = diet ? undefined : reader.head().value // undefined: up to a break (0xff)
    let wei: bigint | undefined
    for (let i = 0n; entries === undefined || i < entries; i++) {
      if (diet && reader.done) break
      if (entries === undefined && reader.peek() === 0xff) {
        reader.take(1n)
        break
      }
      if (reader.text() === KEY) wei = reader.number()
      else reader.skip()
    }
    if (!reader.done) throw new Error('bytes after the map')
    if (wei === undefined) return { kind: 'unreadable', reason: `no ${KEY}` }
    return { kind: 'maxGasPrice', wei }
  } catch (error) {
    return { kind: 'unreadable', reason: (error as Error).message }
  }
}

/** `30 gwei` (exact), for status lines. */
export function showGasPrice(wei: bigint): string {
  const whole = wei / 10n ** 9n
  const fraction = (wei % 10n ** 9n).toString().padStart(9, '0').replace(/0+$/, '')
  return `${whole}${fraction ? `.${fraction}` : ''} gwei`
}

/** The off-chain config in words. */
export function describeOffchainConfig(config: OffchainConfig): string {
  switch (config.kind) {
    case 'none':
      return 'no gas price threshold'
    case 'maxGasPrice':
      return `performed only while the gas price is at most ${showGasPrice(config.wei)}`
    case 'unreadable':
      return `an off-chain config nodes cannot read (${config.reason}): no gas price threshold applies`
  }
}
