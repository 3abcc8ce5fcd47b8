import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { parseLosslessJson, type JsonRecord } from '#common/json'
import {
  asAttestation,
  chainLabel,
  checkAge,
  readAttestationTime,
  readFigure,
  readRipcord,
} from '../../src/provider/attestation'

const doc = (text: string): JsonRecord => asAttestation(parseLosslessJson(text), 'client c')

/** The 502 thrown by `fn`, or a failed expectation. */
function providerFailure(fn: () => unknown): AdapterError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(AdapterError)
    expect((error as AdapterError).statusCode).toBe(502)
    return error as AdapterError
  }
  throw new Error('expected a 502')
}

describe('asAttestation', () => {
  it.each(['[]', '"text"', '12', 'null'])('rejects %s: not an object', (text) => {
    expect(providerFailure(() => doc(text)).message).toBe('client c: the attestation is not a JSON object')
  })
})

describe('readRipcord', () => {
  it.each([
    ['{"ripcord":false,"ripcordDetails":[]}', { raised: false, details: [] }],
    ['{"ripcord":false}', { raised: false, details: [] }],
    ['{"ripcord":"FALSE","ripcordDetails":null}', { raised: false, details: [] }],
    ['{"ripcord":true,"ripcordDetails":["a","b"]}', { raised: true, details: ['a', 'b'] }],
    ['{"ripcord":"true","ripcordDetails":"one reason"}', { raised: true, details: ['one reason'] }],
    [
      '{"ripcord":true,"ripcordDetails":["a",1.50,{"k":1}]}',
      { raised: true, details: ['a', '1.50', '{"k":"1"}'] },
    ],
    [
      '{"ripcord":true,"ripcordDetails":{"insufficient_balance":true,"source_failure":false,"external_intervention":"true"}}',
      { raised: true, details: ['insufficient_balance', 'external_intervention'] },
    ],
    [
      '{"ripcord":false,"ripcordDetails":{"insufficient_balance":false,"source_failure":false}}',
      { raised: false, details: [] },
    ],
    // A flag set in the object form is a raised ripcord, whatever `ripcord` says.
    [
      '{"ripcord":false,"ripcordDetails":{"source_failure":true}}',
      { raised: true, details: ['source_failure'] },
    ],
    ['{"ripcord":true,"ripcordDetails":{}}', { raised: true, details: [] }],
  ])('%s', (text, expected) => {
    expect(readRipcord(doc(text), 'client c')).toEqual(expected)
  })

  it.each([
    ['{}', 'client c: ripcord is missing'],
    ['{"ripcord":null}', 'client c: ripcord is not a boolean: null'],
    ['{"ripcord":0}', 'client c: ripcord is not a boolean: "0"'],
    ['{"ripcord":"no"}', 'client c: ripcord is not a boolean: "no"'],
    [
      '{"ripcord":false,"ripcordDetails":{"source_failure":"maybe"}}',
      'ripcordDetails.source_failure is not a boolean',
    ],
    ['{"ripcord":false,"ripcordDetails":7}', 'ripcordDetails is neither a list nor an object'],
  ])('%s is a 502', (text, message) => {
    expect(providerFailure(() => readRipcord(doc(text), 'client c')).message).toContain(message)
  })
})

describe('readAttestationTime', () => {
  it('reads updatedAt or timestamp', () => {
    expect(readAttestationTime(doc('{"updatedAt":"2026-05-01T11:00:00Z"}'), 'c')).toEqual({
      ms: Date.parse('2026-05-01T11:00:00Z'),
      field: 'updatedAt',
      text: '2026-05-01T11:00:00Z',
    })
    expect(readAttestationTime(doc('{"timestamp":"2026-05-01T13:00:00+02:00"}'), 'c').ms).toBe(
      Date.parse('2026-05-01T11:00:00Z'),
    )
  })

  it('takes the older of the two when both are sent', () => {
    const time = readAttestationTime(
      doc('{"updatedAt":"2026-05-01T11:00:00Z","timestamp":"2026-04-01T11:00:00Z"}'),
      'c',
    )
    expect(time.field).toBe('timestamp')
  })

  it.each([
    ['{}', 'the attestation time (updatedAt or timestamp) is missing'],
    ['{"updatedAt":null}', 'the attestation time (updatedAt or timestamp) is missing'],
    ['{"updatedAt":"2026-05-01T11:00:00"}', 'updatedAt is not an ISO-8601 time with a zone'],
    ['{"timestamp":1777633200}', 'timestamp is not an ISO-8601 time with a zone: "1777633200"'],
    ['{"timestamp":"yesterday"}', 'timestamp is not an ISO-8601 time with a zone'],
  ])('%s is a 502', (text, message) => {
    expect(providerFailure(() => readAttestationTime(doc(text), 'c')).message).toContain(message)
  })
})

describe('checkAge', () => {
  const now = Date.parse('2026-05-01T12:00:00Z')
  const at = (iso: string) => ({ ms: Date.parse(iso), field: 'timestamp' as const, text: iso })

  it('accepts up to the max age and up to the skew ahead', () => {
    expect(() => checkAge(at('2026-04-30T12:00:00Z'), now, 86_400, 300, 'c')).not.toThrow()
    expect(() => checkAge(at('2026-05-01T12:05:00Z'), now, 86_400, 300, 'c')).not.toThrow()
  })

  it('rejects older, giving the age', () => {
    const error = providerFailure(() => checkAge(at('2026-04-30T11:59:59Z'), now, 86_400, 300, 'c'))
    expect(error.message).toBe(
      'c: the attestation (timestamp 2026-04-30T11:59:59Z) is 86401 s (24.0 h) old; the oldest accepted is 86400 s',
    )
  })

  it('rejects a time beyond the skew ahead, giving how far', () => {
    const error = providerFailure(() => checkAge(at('2026-05-01T12:05:01Z'), now, 86_400, 300, 'c'))
    expect(error.message).toContain('is dated 301 s in the future; the clock skew allowed is 300 s')
  })
})

describe('chainLabel', () => {
  it.each([
    ['TUSD (ETH)', 'ETH'],
    ['TUSD ( tron )', 'tron'],
    ['TUSD (AVAX C-Chain)', 'AVAX C-Chain'],
    ['TUSD (old) (BSC)', 'BSC'],
    ['TUSD', undefined],
    ['TUSD ()', undefined],
    ['TUSD (ETH) v2', undefined],
  ])('%s → %s', (name, label) => {
    expect(chainLabel(name)).toBe(label)
  })
})

describe('readFigure', () => {
  const tusd = doc(`{
    "totalTrust": 100.5, "totalToken": "99.25",
    "token": [
      { "tokenName": "TUSD (ETH)", "totalTokenByChain": 60, "totalTrustByChain": "61.1" },
      { "tokenName": "TUSD (ETHW)", "totalTokenByChain": 1 },
      { "tokenName": "TUSD (TRON)", "totalTokenByChain": 39.25 },
      { "tokenName": "Bank note" }
    ]
  }`)

  it('totalReserve and totalTrust read each other when only one is sent', () => {
    expect(readFigure(tusd, 'totalReserve', undefined, 2, 'c')).toEqual({
      units: 10050n,
      source: 'totalTrust',
      text: '100.5',
    })
    expect(readFigure(tusd, 'totalTrust', undefined, 2, 'c').units).toBe(10050n)
    const tnf = doc('{"totalReserve": 7, "totalToken": 6}')
    expect(readFigure(tnf, 'totalTrust', undefined, 0, 'c')).toMatchObject({
      units: 7n,
      source: 'totalReserve',
    })
  })

  it('prefers the asked name when both are sent', () => {
    const both = doc('{"totalReserve": 7, "totalTrust": 8}')
    expect(readFigure(both, 'totalReserve', undefined, 0, 'c').units).toBe(7n)
    expect(readFigure(both, 'totalTrust', undefined, 0, 'c').units).toBe(8n)
  })

  it('totalToken has no synonym', () => {
    expect(
      providerFailure(() => readFigure(doc('{"totalSupply":1}'), 'totalToken', undefined, 0, 'c')).message,
    ).toBe('c: totalToken is missing')
  })

  it('matches the chain label whole and case-insensitively, never as a substring', () => {
    expect(readFigure(tusd, 'totalToken', 'eth', 0, 'c')).toMatchObject({
      units: 60n,
      source: 'token[0].totalTokenByChain',
    })
    expect(readFigure(tusd, 'totalToken', 'ETHW', 0, 'c').units).toBe(1n)
    expect(readFigure(tusd, 'totalReserve', 'Eth', 2, 'c')).toMatchObject({
      units: 6110n,
      source: 'token[0].totalTrustByChain',
    })
    for (const chain of ['ET', 'TH', 'TUSD', 'TRO', 'tusd (eth)']) {
      expect(providerFailure(() => readFigure(tusd, 'totalToken', chain, 0, 'c')).message).toContain(
        `no token entry for chain "${chain}" (the chains listed are: ETH, ETHW, TRON)`,
      )
    }
  })

  it('a per-chain reserve that is not sent is a 502 naming it', () => {
    expect(providerFailure(() => readFigure(tusd, 'totalReserve', 'tron', 0, 'c')).message).toBe(
      'c: token[2].totalTrustByChain is missing',
    )
  })

  it('a chain listed twice is ambiguous: 502', () => {
    const twice = doc(
      '{"token":[{"tokenName":"A (ETH)","totalTokenByChain":1},{"tokenName":"B (eth)","totalTokenByChain":2}]}',
    )
    expect(providerFailure(() => readFigure(twice, 'totalToken', 'ETH', 0, 'c')).message).toContain(
      'chain "ETH" appears in 2 token entries (token[0], token[1])',
    )
  })

  it('a chain asked of an attestation without a token list, or with a malformed entry: 502', () => {
    expect(
      providerFailure(() => readFigure(doc('{"totalReserve":1}'), 'totalToken', 'ETH', 0, 'c')).message,
    ).toContain('the attestation has no token list')
    expect(
      providerFailure(() =>
        readFigure(doc('{"token":[{"totalTokenByChain":1}]}'), 'totalToken', 'ETH', 0, 'c'),
      ).message,
    ).toContain('token[0].tokenName is missing')
    expect(
      providerFailure(() => readFigure(doc('{"token":[7]}'), 'totalToken', 'ETH', 0, 'c')).message,
    ).toContain('token[0] is not an object')
  })

  it.each([
    ['{"totalReserve": null}', 'c: totalReserve (or totalTrust) is missing'],
    ['{}', 'c: totalReserve (or totalTrust) is missing'],
    ['{"totalReserve": true}', 'c: totalReserve is not a number: true'],
    ['{"totalReserve": {"usd": 1}}', 'c: totalReserve is not a number: {"usd":"1"}'],
    ['{"totalReserve": ""}', 'c: totalReserve is not a decimal number: ""'],
    ['{"totalReserve": "12 USD"}', 'c: totalReserve is not a decimal number: "12 USD"'],
    ['{"totalReserve": "NaN"}', 'c: totalReserve is not a decimal number: "NaN"'],
    ['{"totalReserve": -0.01}', 'c: totalReserve is negative: -0.01'],
    ['{"totalReserve": "-3"}', 'c: totalReserve is negative: -3'],
  ])('%s is a 502 naming the field', (text, message) => {
    expect(providerFailure(() => readFigure(doc(text), 'totalReserve', undefined, 18, 'c')).message).toBe(
      message,
    )
  })

  it('reads exponents and zero exactly', () => {
    expect(readFigure(doc('{"totalReserve": 1.5e3}'), 'totalReserve', undefined, 0, 'c').units).toBe(1500n)
    expect(readFigure(doc('{"totalReserve": "-0"}'), 'totalReserve', undefined, 6, 'c').units).toBe(0n)
  })

  it('keeps every digit of any figure and rounds down (property)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^(0|[1-9]\d{0,29})$/),
        fc.stringMatching(/^\d{0,30}$/),
        fc.integer({ min: 0, max: 36 }),
        fc.boolean(),
        (whole, fraction, decimals, asString) => {
          const text = fraction ? `${whole}.${fraction}` : whole
          const body = asString ? `{"totalReserve":"${text}"}` : `{"totalReserve":${text}}`
          const { units, text: read } = readFigure(doc(body), 'totalReserve', undefined, decimals, 'c')
          // Expected by moving the decimal point in the text: truncation is rounding down here.
          const expected = BigInt(whole + fraction.padEnd(decimals, '0').slice(0, decimals))
          expect(read).toBe(text)
          expect(units).toBe(expected)
        },
      ),
    )
  })
})
