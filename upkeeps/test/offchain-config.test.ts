/**
 * The off-chain config's gas price threshold against the bytes Chainlink's own sources give: the docs' example
 * (`cbor.encode({ maxGasPrice: 100000000000 })`, npm `cbor`), and the "diet" form a node also accepts
 * (chainlink core/scripts's `6b6d61784761735072696365c258200…05f5e100`, read as 100,000,000 wei).
 */
import {
  decodeOffchainConfig,
  describeOffchainConfig,
  encodeMaxGasPrice,
  offchainConfigFromGwei,
} from '../offchain-config'

const KEY = '6b6d61784761735072696365' // text(11) "maxGasPrice"

describe('the gas price threshold', () => {
  it('is a CBOR map {"maxGasPrice": wei}, the integer in its shortest form, a bignum past 64 bits', () => {
    expect(encodeMaxGasPrice(100_000_000_000n)).toBe(`0xa1${KEY}1b000000174876e800`) // the docs' example
    expect(encodeMaxGasPrice(23n)).toBe(`0xa1${KEY}17`)
    expect(encodeMaxGasPrice(24n)).toBe(`0xa1${KEY}1818`)
    expect(encodeMaxGasPrice(2n ** 32n - 1n)).toBe(`0xa1${KEY}1affffffff`)
    expect(encodeMaxGasPrice(2n ** 64n - 1n)).toBe(`0xa1${KEY}1bffffffffffffffff`)
    expect(encodeMaxGasPrice(2n ** 64n)).toBe(`0xa1${KEY}c249010000000000000000`)
    expect(() => encodeMaxGasPrice(0n)).toThrow('more than 0 wei')
  })

  it('is built from gwei, exactly, or removed with none', () => {
    expect(offchainConfigFromGwei('100')).toBe(encodeMaxGasPrice(100_000_000_000n))
    expect(offchainConfigFromGwei('0.000000001')).toBe(encodeMaxGasPrice(1n))
    expect(offchainConfigFromGwei('none')).toBe('0x')
    expect(() => offchainConfigFromGwei('0.0000000001')).toThrow(
      "--max-gas-price 0.0000000001 has more than gwei's 9 decimals",
    )
    expect(() => offchainConfigFromGwei('0x10')).toThrow('--max-gas-price must be a decimal number')
  })

  it('reads back what a node reads: a map, diet CBOR, a bignum; anything else disables the threshold', () => {
    for (const wei of [1n, 100_000_000_000n, 2n ** 64n, 2n ** 200n]) {
      expect(decodeOffchainConfig(encodeMaxGasPrice(wei))).toEqual({ kind: 'maxGasPrice', wei })
    }
    const diet = `0x${KEY}c25820${'00'.repeat(28)}05f5e100`
    expect(decodeOffchainConfig(diet)).toEqual({ kind: 'maxGasPrice', wei: 100_000_000n })
    expect(decodeOffchainConfig(`0xbf${KEY}1a05f5e100ff`)).toEqual({ kind: 'maxGasPrice', wei: 100_000_000n })
    // An unknown key is skipped, as a node's struct decoding skips it.
    expect(decodeOffchainConfig(`0xa263666f6f820102${KEY}0a`)).toEqual({ kind: 'maxGasPrice', wei: 10n })
    expect(decodeOffchainConfig('0x')).toEqual({ kind: 'none' })
    expect(decodeOffchainConfig(`0xa1${KEY}6131`)).toEqual({
      kind: 'unreadable',
      reason: 'maxGasPrice is not an unsigned number (CBOR major type 3)',
    })
    expect(decodeOffchainConfig(`0xa1${KEY}1b0000`)).toEqual({
      kind: 'unreadable',
      reason: 'the bytes end early',
    })
    expect(decodeOffchainConfig(`0xa1${KEY}0101`)).toEqual({
      kind: 'unreadable',
      reason: 'bytes after the map',
    })
    expect(decodeOffchainConfig('0xa0')).toEqual({ kind: 'unreadable', reason: 'no maxGasPrice' })
  })

  it('is described in gwei, exactly', () => {
    expect(describeOffchainConfig({ kind: 'maxGasPrice', wei: 30_500_000_001n })).toBe(
      'performed only while the gas price is at most 30.500000001 gwei',
    )
    expect(describeOffchainConfig({ kind: 'none' })).toBe('no gas price threshold')
  })
})
