import { test } from '@chainlink/cre-sdk/test'
import { AbiCoder } from 'ethers'
import type { Hex } from '../shared/abi-words'
import {
  decodeGuardEntries,
  encodeGuardEntries,
  entryIndex,
  entryTarget,
  guardEntry,
  guardReportPayload,
} from './report'

const abi = AbiCoder.defaultAbiCoder()
const TARGET: Hex = '0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9'

describe('reserve-guard report encoding', () => {
  test('an entry is uint256(uint160(target)) | index << 160, and splits back', () => {
    const entry = guardEntry(TARGET, 63n)
    expect(entry).toBe(BigInt(TARGET) + 63n * 2n ** 160n)
    expect(entryTarget(entry)).toBe(TARGET)
    expect(entryIndex(entry)).toBe(63n)
    expect(() => guardEntry('0x1234', 0n)).toThrow('not a 20-byte address')
    expect(() => guardEntry(TARGET, 1n << 96n)).toThrow('out of range')
  })

  test('entries encode as abi.encode(uint256[]) does, and decode back', () => {
    for (const entries of [[], [guardEntry(TARGET, 0n)], [1n, (1n << 256n) - 1n, guardEntry(TARGET, 5n)]]) {
      const encoded = encodeGuardEntries(entries)
      expect(encoded).toBe(abi.encode(['uint256[]'], [entries]) as Hex)
      expect(decodeGuardEntries(encoded)).toEqual(entries)
    }
  })

  test('decoding refuses anything but abi.encode(uint256[])', () => {
    const good = encodeGuardEntries([1n, 2n])
    expect(() => decodeGuardEntries(`${good}00` as Hex)).toThrow('whole 32-byte words')
    expect(() => decodeGuardEntries(`${good}${'00'.repeat(32)}` as Hex)).toThrow(
      'announces 2 entries but holds 3',
    )
    expect(() => decodeGuardEntries(abi.encode(['uint256', 'uint256'], [64, 0]) as Hex)).toThrow(
      'not abi.encode(uint256[])',
    )
    expect(() => decodeGuardEntries('0x')).toThrow('not abi.encode(uint256[])')
  })

  test('the payload is performData byte for byte; empty performData is refused', () => {
    const performData = encodeGuardEntries([guardEntry(TARGET, 2n)])
    expect(guardReportPayload(performData)).toBe(performData)
    expect(guardReportPayload(Uint8Array.from([0xab, 0xcd]))).toBe('0xabcd')
    expect(() => guardReportPayload('0x')).toThrow('empty performData')
    expect(() => guardReportPayload(new Uint8Array())).toThrow('empty performData')
    expect(() => guardReportPayload('0xabc' as Hex)).toThrow('whole bytes')
  })
})
