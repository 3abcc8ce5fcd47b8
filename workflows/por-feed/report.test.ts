import { test } from '@chainlink/cre-sdk/test'
import { AbiCoder } from 'ethers'
import type { Hex } from '../shared/abi-words'
import { decodePorReport, encodePorReport, POR_REPORT_TYPES, type PorReport } from './report'

const abi = AbiCoder.defaultAbiCoder()
const INT256_MAX = (1n << 255n) - 1n
const UINT64_MAX = (1n << 64n) - 1n

describe('por-feed report encoding', () => {
  test('abi.encode(int256 answer, uint8 decimals, uint64 observedAt), as ethers encodes it, and back', () => {
    const reports: PorReport[] = [
      { answer: 10_200_000_000n, decimals: 8, observedAt: 1_763_726_400n },
      { answer: 2n ** 53n + 1n, decimals: 18, observedAt: 0n },
      { answer: INT256_MAX, decimals: 255, observedAt: UINT64_MAX },
      { answer: 0n, decimals: 0, observedAt: 1n },
      { answer: -(2n ** 255n), decimals: 6, observedAt: 42n },
    ]
    for (const report of reports) {
      const payload = encodePorReport(report)
      expect(payload).toBe(
        abi.encode([...POR_REPORT_TYPES], [report.answer, report.decimals, report.observedAt]) as Hex,
      )
      expect(decodePorReport(payload)).toEqual(report)
    }
  })

  test('a field that does not fit its type is refused', () => {
    expect(() => encodePorReport({ answer: INT256_MAX + 1n, decimals: 8, observedAt: 1n })).toThrow(
      'does not fit int256',
    )
    expect(() => encodePorReport({ answer: 1n, decimals: 256, observedAt: 1n })).toThrow('does not fit uint8')
    expect(() => encodePorReport({ answer: 1n, decimals: 1.5, observedAt: 1n })).toThrow('not an integer')
    expect(() => encodePorReport({ answer: 1n, decimals: 8, observedAt: UINT64_MAX + 1n })).toThrow(
      'does not fit uint64',
    )
    expect(() => encodePorReport({ answer: 1n, decimals: 8, observedAt: -1n })).toThrow('does not fit uint64')
  })

  test('decoding refuses another length or a word outside its type', () => {
    const payload = encodePorReport({ answer: 1n, decimals: 8, observedAt: 1n })
    expect(() => decodePorReport(`${payload}${'00'.repeat(32)}` as Hex)).toThrow('3 words; got 4')
    expect(() => decodePorReport(payload.slice(0, -2) as Hex)).toThrow('whole 32-byte words')
    expect(() => decodePorReport(abi.encode(['int256', 'uint256', 'uint64'], [1, 256, 1]) as Hex)).toThrow(
      'does not hold a uint8',
    )
    expect(() =>
      decodePorReport(abi.encode(['int256', 'uint8', 'uint256'], [1, 8, 1n << 64n]) as Hex),
    ).toThrow('does not hold a uint64')
  })
})
