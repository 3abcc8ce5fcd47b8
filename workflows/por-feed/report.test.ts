import { test } from '@chainlink/cre-sdk/test'
import { AbiCoder } from 'ethers'
import type { Hex } from '../shared/abi-words'
import { artifactAbi } from '../testing/artifacts'
import {
  dataIdDecimals,
  DECIMAL_REPORTS_TYPE,
  type DecimalReport,
  decodeDecimalReports,
  encodeDecimalReports,
  MAX_ANSWER,
} from './report'

const abi = AbiCoder.defaultAbiCoder()
const DATA_ID: Hex = '0x0169bd604100012800000000000000ff'
const UINT32_MAX = (1n << 32n) - 1n

/** ethers' encoding of the same reports, the data id left-aligned in its bytes32 word. */
function ethersEncoding(reports: DecimalReport[]): string {
  return abi.encode(
    [DECIMAL_REPORTS_TYPE],
    [reports.map((r) => [`${r.dataId}${'00'.repeat(16)}`, r.timestamp, r.answer])],
  )
}

describe('por-feed report encoding: DataFeedsCache decimal reports', () => {
  test('abi.encode((bytes32 dataId, uint32 timestamp, uint224 answer)[]), as ethers encodes it, and back', () => {
    const cases: DecimalReport[][] = [
      [{ dataId: DATA_ID, timestamp: 1_795_262_400n, answer: 10_200_000_000n }],
      [{ dataId: DATA_ID, timestamp: UINT32_MAX, answer: MAX_ANSWER }],
      [
        { dataId: DATA_ID, timestamp: 1n, answer: 0n },
        { dataId: '0x01ffffffffffff3200000000000000aa', timestamp: 2n, answer: 2n ** 53n + 1n },
      ],
      [],
    ]
    for (const reports of cases) {
      const payload = encodeDecimalReports(reports)
      expect(payload).toBe(ethersEncoding(reports) as Hex)
      expect(decodeDecimalReports(payload)).toEqual(reports)
    }
  })

  test('the type is the one DataFeedsCache.onReport decodes (its ReceivedDecimalReport struct)', async () => {
    const cacheAbi = (await artifactAbi(
      '@chainlink/contracts/src/v0.8/data-feeds/DataFeedsCache.sol/DataFeedsCache',
    )) as { type: string; name?: string; inputs?: { name: string; type: string }[] }[]
    // Its report structs show in no function's ABI; the event of a decimal write names the same fields.
    const updated = cacheAbi.find((item) => item.type === 'event' && item.name === 'DecimalReportUpdated')
    expect(updated?.inputs?.map((input) => `${input.type} ${input.name}`)).toEqual([
      'bytes16 dataId',
      'uint256 roundId',
      'uint256 timestamp',
      'uint224 answer',
    ])
  })

  test("the README's example payload is what the encoder writes for its example", async () => {
    const readme = (await import('./README.md', { with: { type: 'text' } })).default
    const example = /and the cache gets\s*`(0x[0-9a-f]+)`/.exec(readme)?.[1]
    expect(example).toBe(
      encodeDecimalReports([
        { dataId: '0x0169bd60410001280000000000000000', timestamp: 1_795_262_400n, answer: 10_200_000_000n },
      ]),
    )
  })

  test('a field that does not fit its type is refused', () => {
    const report = { dataId: DATA_ID, timestamp: 1n, answer: 1n }
    expect(() => encodeDecimalReports([{ ...report, answer: MAX_ANSWER + 1n }])).toThrow(
      'does not fit uint224',
    )
    expect(() => encodeDecimalReports([{ ...report, answer: -1n }])).toThrow('does not fit uint224')
    expect(() => encodeDecimalReports([{ ...report, timestamp: UINT32_MAX + 1n }])).toThrow(
      'does not fit uint32',
    )
    expect(() => encodeDecimalReports([{ ...report, dataId: `${DATA_ID}00` as Hex }])).toThrow('not 16 bytes')
  })

  test('decoding refuses another layout or a word outside its type', () => {
    const payload = encodeDecimalReports([{ dataId: DATA_ID, timestamp: 1n, answer: 1n }])
    expect(() => decodeDecimalReports(`${payload}${'00'.repeat(32)}` as Hex)).toThrow('got 6')
    expect(() => decodeDecimalReports(payload.slice(0, -2) as Hex)).toThrow('whole 32-byte words')
    expect(() => decodeDecimalReports(abi.encode(['uint256', 'uint256'], [64, 0]) as Hex)).toThrow(
      'offset 32',
    )
    expect(() =>
      decodeDecimalReports(
        abi.encode(['tuple(bytes32,uint256,uint256)[]'], [[[`0x${'11'.repeat(32)}`, 1, 1]]]) as Hex,
      ),
    ).toThrow('not a bytes16')
    expect(() =>
      decodeDecimalReports(
        abi.encode(['tuple(bytes32,uint256,uint256)[]'], [[[ethersId(), 1n << 32n, 1]]]) as Hex,
      ),
    ).toThrow('does not hold a uint32')
    expect(() =>
      decodeDecimalReports(
        abi.encode(['tuple(bytes32,uint256,uint256)[]'], [[[ethersId(), 1, 1n << 224n]]]) as Hex,
      ),
    ).toThrow('does not hold a uint224')
  })

  test("a data id's decimals: byte 7 is 0x20 + decimals, up to 0x60", () => {
    expect(dataIdDecimals(DATA_ID)).toBe(8)
    expect(dataIdDecimals('0x01000000000000200000000000000000')).toBe(0)
    expect(dataIdDecimals('0x01000000000000600000000000000000')).toBe(64)
    expect(dataIdDecimals('0x01000000000000610000000000000000')).toBeUndefined()
    expect(dataIdDecimals('0x010000000000001f0000000000000000')).toBeUndefined()
  })
})

function ethersId(): string {
  return `${DATA_ID}${'00'.repeat(16)}`
}
