import { test } from '@chainlink/cre-sdk/test'
import { AdapterAnswerError, readAdapterAnswer, RipcordError } from './adapter-answer'

const INT256_MAX = (1n << 255n) - 1n

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
  test('a success answer gives result, exactly, at any size up to int256', () => {
    expect(readAdapterAnswer(200, success('10200000000'), 8)).toBe(10_200_000_000n)
    expect(readAdapterAnswer(200, success('9007199254740993'), 8)).toBe(2n ** 53n + 1n)
    expect(readAdapterAnswer(200, success(INT256_MAX.toString()), 8)).toBe(INT256_MAX)
    expect(readAdapterAnswer(200, success('0', { ripcord: false }), 8)).toBe(0n)
  })

  test('a ripcord anywhere aborts, whatever the status', () => {
    expect(() => readAdapterAnswer(503, RIPCORD, 8)).toThrow(RipcordError)
    expect(() => readAdapterAnswer(503, RIPCORD, 8)).toThrow(
      'the adapter raised the ripcord ["Reconciliation pending"]',
    )
    expect(() => readAdapterAnswer(200, success('100', { ripcord: true }), 8)).toThrow(RipcordError)
    expect(() =>
      readAdapterAnswer(200, success('100', { sources: [{ ok: 1 }, { ripcord: 'TRUE' }] }), 8),
    ).toThrow(RipcordError)
  })

  test('any status but 200 aborts, with the adapter’s message', () => {
    const failure = JSON.stringify({ statusCode: 502, errorMessage: 'esplora: every URL failed' })
    expect(() => readAdapterAnswer(502, failure, 8)).toThrow(
      'the adapter answered HTTP 502: esplora: every URL failed',
    )
    expect(() => readAdapterAnswer(500, '<html>Internal Server Error</html>', 8)).toThrow('HTTP 500')
    expect(() => readAdapterAnswer(201, success('100'), 8)).toThrow(AdapterAnswerError)
    expect(() =>
      readAdapterAnswer(200, JSON.stringify({ ...JSON.parse(success('1')), statusCode: 500 }), 8),
    ).toThrow('the adapter answer says statusCode 500')
  })

  test('a malformed body aborts', () => {
    expect(() => readAdapterAnswer(200, 'not json', 8)).toThrow('not a JSON object')
    expect(() => readAdapterAnswer(200, '["10200000000"]', 8)).toThrow('not a JSON object')
    expect(() => readAdapterAnswer(200, JSON.stringify({ result: '1' }), 8)).toThrow('no data object')
  })

  test('result must be a canonical non-negative integer string', () => {
    for (const result of [10200000000, '-1', '1.5', '01', '+1', ' 1', '1e3', '', null, undefined]) {
      expect(() => readAdapterAnswer(200, success(result), 8)).toThrow('non-negative integer string')
    }
    expect(() => readAdapterAnswer(200, success((INT256_MAX + 1n).toString()), 8)).toThrow(
      'does not fit int256',
    )
  })

  test('result must equal data.result', () => {
    expect(() => readAdapterAnswer(200, success('100', { result: '101' }), 8)).toThrow(
      'data.result "101" differs from result "100"',
    )
    expect(() => readAdapterAnswer(200, success('100', { result: 100 }), 8)).toThrow('differs')
    expect(() => readAdapterAnswer(200, success('100', { result: undefined }), 8)).toThrow('missing')
  })

  test('data.decimals must be there and equal the configured decimals', () => {
    expect(() => readAdapterAnswer(200, success('100'), 18)).toThrow(
      'data.decimals is 8; the receiver takes 18 decimals',
    )
    expect(() => readAdapterAnswer(200, success('100', { decimals: '8' }), 8)).toThrow('data.decimals is "8"')
    expect(() => readAdapterAnswer(200, success('100', { decimals: undefined }), 8)).toThrow(
      'data.decimals is missing',
    )
  })
})
