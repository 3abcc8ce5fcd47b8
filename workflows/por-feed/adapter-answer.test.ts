import { test } from '@chainlink/cre-sdk/test'
import { AdapterAnswerError, readAdapterAnswer, RipcordError } from './adapter-answer'

const UINT224_MAX = (1n << 224n) - 1n

/** An adapter's success answer, as btc-balance sends it. */
function success(result: unknown, data: Record<string, unknown> = {}): string {
  return JSON.stringify({
    result,
    data: { result, decimals: 8, height: 871229, ...data },
    statusCode: 200,
    timestamps: { providerDataRequestedUnixMs: 1732170000000, providerDataReceivedUnixMs: 1732170000850 },
  })
}

/** The attestation adapter's ripcord answer. */
const RIPCORD = JSON.stringify({
  statusCode: 503,
  errorMessage:
    'client truecoin: the auditor raised the ripcord (Reconciliation pending): the figure must not be used',
  ripcord: true,
  ripcordDetails: ['Reconciliation pending'],
})

describe('reading an adapter answer', () => {
  test('a success answer gives result, exactly, at any size up to uint224 (what the feed stores)', () => {
    expect(readAdapterAnswer(200, success('10200000000'), { decimals: 8 }).answer).toBe(10_200_000_000n)
    expect(readAdapterAnswer(200, success('9007199254740993'), { decimals: 8 }).answer).toBe(2n ** 53n + 1n)
    expect(readAdapterAnswer(200, success(UINT224_MAX.toString()), { decimals: 8 }).answer).toBe(UINT224_MAX)
    expect(readAdapterAnswer(200, success('0', { ripcord: false }), { decimals: 8 }).answer).toBe(0n)
  })

  test('a ripcord anywhere aborts, whatever the status', () => {
    expect(() => readAdapterAnswer(503, RIPCORD, { decimals: 8 })).toThrow(RipcordError)
    expect(() => readAdapterAnswer(503, RIPCORD, { decimals: 8 })).toThrow(
      'the adapter raised the ripcord ["Reconciliation pending"]',
    )
    expect(() => readAdapterAnswer(200, success('100', { ripcord: true }), { decimals: 8 })).toThrow(
      RipcordError,
    )
    expect(() =>
      readAdapterAnswer(200, success('100', { sources: [{ ok: 1 }, { ripcord: 'TRUE' }] }), { decimals: 8 }),
    ).toThrow(RipcordError)
  })

  test('any status but 200 aborts, with the adapter’s message', () => {
    const failure = JSON.stringify({ statusCode: 502, errorMessage: 'esplora: every URL failed' })
    expect(() => readAdapterAnswer(502, failure, { decimals: 8 })).toThrow(
      'the adapter answered HTTP 502: esplora: every URL failed',
    )
    expect(() => readAdapterAnswer(500, '<html>Internal Server Error</html>', { decimals: 8 })).toThrow(
      'HTTP 500',
    )
    expect(() => readAdapterAnswer(201, success('100'), { decimals: 8 })).toThrow(AdapterAnswerError)
    expect(() =>
      readAdapterAnswer(200, JSON.stringify({ ...JSON.parse(success('1')), statusCode: 500 }), {
        decimals: 8,
      }),
    ).toThrow('the adapter answer says statusCode 500')
  })

  test('a malformed body aborts', () => {
    expect(() => readAdapterAnswer(200, 'not json', { decimals: 8 })).toThrow('not a JSON object')
    expect(() => readAdapterAnswer(200, '["10200000000"]', { decimals: 8 })).toThrow('not a JSON object')
    expect(() => readAdapterAnswer(200, JSON.stringify({ result: '1' }), { decimals: 8 })).toThrow(
      'no data object',
    )
  })

  test('result must be a canonical non-negative integer string', () => {
    for (const result of [10200000000, '-1', '1.5', '01', '+1', ' 1', '1e3', '', null, undefined]) {
      expect(() => readAdapterAnswer(200, success(result), { decimals: 8 })).toThrow(
        'non-negative integer string',
      )
    }
    expect(() => readAdapterAnswer(200, success((UINT224_MAX + 1n).toString()), { decimals: 8 })).toThrow(
      'does not fit uint224',
    )
  })

  test('result must equal data.result', () => {
    expect(() => readAdapterAnswer(200, success('100', { result: '101' }), { decimals: 8 })).toThrow(
      'data.result "101" differs from result "100"',
    )
    expect(() => readAdapterAnswer(200, success('100', { result: 100 }), { decimals: 8 })).toThrow('differs')
    expect(() => readAdapterAnswer(200, success('100', { result: undefined }), { decimals: 8 })).toThrow(
      'missing',
    )
  })

  test('data.decimals must be there and equal the configured decimals', () => {
    expect(() => readAdapterAnswer(200, success('100'), { decimals: 18 })).toThrow(
      'data.decimals is 8; the receiver takes 18 decimals',
    )
    expect(() => readAdapterAnswer(200, success('100', { decimals: '8' }), { decimals: 8 })).toThrow(
      'data.decimals is "8"',
    )
    expect(() => readAdapterAnswer(200, success('100', { decimals: undefined }), { decimals: 8 })).toThrow(
      'data.decimals is missing',
    )
  })

  test('the as-of time: from the configured data field (ISO-8601 or HTTP date), none unless asked for', () => {
    const attested = success('100', { attestedAt: '2026-11-21T11:58:30.500Z' })
    expect(readAdapterAnswer(200, attested, { decimals: 8 }).asOfMs).toBeUndefined()
    expect(readAdapterAnswer(200, attested, { decimals: 8, asOfField: 'attestedAt' })).toEqual({
      answer: 100n,
      asOfMs: Date.UTC(2026, 10, 21, 11, 58, 30, 500),
    })
    const lastModified = success('100', { asOf: 'Sat, 21 Nov 2026 11:00:00 GMT' })
    expect(readAdapterAnswer(200, lastModified, { decimals: 8, asOfField: 'asOf' }).asOfMs).toBe(
      Date.UTC(2026, 10, 21, 11),
    )
    // gold-vault says null when no source is dated: undated, the DON time is used
    const undated = success('100', { asOf: null })
    expect(readAdapterAnswer(200, undated, { decimals: 8, asOfField: 'asOf' }).asOfMs).toBeUndefined()
  })

  test('an as-of field that is missing or not a date aborts', () => {
    for (const [data, shown] of [
      [{}, 'missing'],
      [{ asOf: '21/11/2026' }, '"21/11/2026"'],
      [{ asOf: '2026-11-21T12:00:00' }, '"2026-11-21T12:00:00"'],
      [{ asOf: 1795262400 }, '1795262400'],
    ] as const) {
      expect(() => readAdapterAnswer(200, success('100', data), { decimals: 8, asOfField: 'asOf' })).toThrow(
        `data.asOf is ${shown}, not an ISO-8601 or HTTP date`,
      )
    }
  })
})
