import { test } from '@chainlink/cre-sdk/test'
import { AbiCoder } from 'ethers'
import {
  bytesToHex,
  type Hex,
  hexToBytes,
  intWord,
  isHexBytes,
  splitWords,
  uintWord,
  wordToInt,
  wordToUint,
} from './abi-words'

const abi = AbiCoder.defaultAbiCoder()

describe('ABI words', () => {
  test('integer words match ethers at the edges of each width', () => {
    for (const bits of [8, 64, 160, 256]) {
      const max = (1n << BigInt(bits)) - 1n
      for (const value of [0n, 1n, max]) {
        expect(`0x${uintWord(value, bits)}`).toBe(abi.encode([`uint${bits}`], [value]))
        expect(wordToUint(uintWord(value, bits), bits)).toBe(value)
      }
      const [min, top] = [-(1n << BigInt(bits - 1)), (1n << BigInt(bits - 1)) - 1n]
      for (const value of [min, -1n, 0n, top]) {
        expect(`0x${intWord(value, bits)}`).toBe(abi.encode([`int${bits}`], [value]))
        expect(wordToInt(intWord(value, bits), bits)).toBe(value)
      }
      expect(() => uintWord(max + 1n, bits)).toThrow(`does not fit uint${bits}`)
      expect(() => intWord(top + 1n, bits)).toThrow(`does not fit int${bits}`)
      expect(() => intWord(min - 1n, bits)).toThrow(`does not fit int${bits}`)
    }
  })

  test('a word is refused when it does not hold the type read from it', () => {
    expect(() => wordToUint(uintWord(256n, 16), 8)).toThrow('does not hold a uint8')
    // -1 as an int8 word is sign-extended; 0xff alone is 255, not an int8
    expect(() => wordToInt(uintWord(255n, 256), 8)).toThrow('does not hold an int8')
    expect(() => uintWord(-1n, 8)).toThrow('does not fit uint8')
    expect(() => uintWord(1n, 7)).toThrow('not an ABI integer width')
  })

  test('hex and bytes', () => {
    expect(bytesToHex(Uint8Array.from([0, 1, 0xab, 0xff]))).toBe('0x0001abff')
    expect(hexToBytes('0x0001ABff')).toEqual(Uint8Array.from([0, 1, 0xab, 0xff]))
    expect(hexToBytes('0x')).toEqual(new Uint8Array())
    expect(() => hexToBytes('0x123')).toThrow('whole bytes')
    expect(() => hexToBytes('1234')).toThrow('whole bytes')
    expect(isHexBytes('0x')).toBe(true)
    expect(isHexBytes('0xzz')).toBe(false)
    expect(splitWords(`0x${'00'.repeat(64)}` as Hex)).toHaveLength(2)
    expect(splitWords('0x')).toEqual([])
  })
})
