import { readReservesReport } from '../../src/provider/reserves-api'

const SUBJECT = 'account acme'

describe('readReservesReport', () => {
  it('reads the reserves exactly, as a string or a JSON number, and the asOf time', () => {
    for (const reserves of ['"12345678901234567890.123456789"', '12345678901234567890.123456789']) {
      const report = readReservesReport(`{"reserves":${reserves},"asOf":"2026-05-01T06:00:00Z"}`, SUBJECT)
      expect(report.reserves).toEqual({
        value: { units: 12345678901234567890123456789n, decimals: 9 },
        text: '12345678901234567890.123456789',
      })
      expect(report.asOf).toEqual({ ms: Date.parse('2026-05-01T06:00:00Z'), text: '2026-05-01T06:00:00Z' })
    }
  })

  it.each([
    ['not JSON', '<html>', 'account acme: the reserves API answered something that is not JSON: <html>'],
    ['not an object', '[1]', 'account acme: the answer is not a JSON object'],
    [
      'without reserves',
      '{"asOf":"2026-05-01T06:00:00Z"}',
      'account acme: reserves is missing or not a number',
    ],
    [
      'with reserves not a number',
      '{"reserves":"lots","asOf":"2026-05-01T06:00:00Z"}',
      'account acme: reserves is not a decimal number: "lots"',
    ],
    ['without asOf', '{"reserves":"1"}', 'account acme: asOf is missing or not an ISO-8601 time with a zone'],
    [
      'with asOf without a zone',
      '{"reserves":"1","asOf":"2026-05-01T06:00:00"}',
      'account acme: asOf is missing or not an ISO-8601 time with a zone',
    ],
  ])('refuses an answer %s with a 502 naming the field', (_case, text, message) => {
    expect(() => readReservesReport(text, SUBJECT)).toThrow(
      expect.objectContaining({ statusCode: 502, message: expect.stringContaining(message) }),
    )
  })
})
