import { describe, expect, it } from '@jest/globals'
import { ageProblem, describeDuration, parseHttpDate, parseIsoTimestamp } from '../time'

describe('parseIsoTimestamp', () => {
  it.each([
    ['2026-05-01T12:00:00Z', '2026-05-01T12:00:00.000Z'],
    ['2026-05-01T12:00:00.123Z', '2026-05-01T12:00:00.123Z'],
    ['2026-05-01T12:00:00.123456789Z', '2026-05-01T12:00:00.123Z'],
    ['2026-05-01T12:00Z', '2026-05-01T12:00:00.000Z'],
    ['2026-05-01T14:00:00+02:00', '2026-05-01T12:00:00.000Z'],
    ['2026-05-01T14:00:00+0200', '2026-05-01T12:00:00.000Z'],
    ['2026-05-01T07:30:00-04:30', '2026-05-01T12:00:00.000Z'],
    ['2026-05-01 12:00:00z', '2026-05-01T12:00:00.000Z'],
    ['2026-05-01', '2026-05-01T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('%s', (text, iso) => {
    expect(parseIsoTimestamp(text)).toBe(Date.parse(iso))
  })

  it.each([
    '2026-05-01T12:00:00', // no zone: local time of an unknown place
    '2026-02-29T00:00:00Z', // not a leap year
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-05-01T24:00:00Z',
    '2026-05-01T12:60:00Z',
    '2026-05-01T12:00:00+25:00',
    '1969-12-31T23:59:59Z',
    'Fri, 01 May 2026 12:00:00 GMT',
    '1777636800',
    '',
  ])('rejects %j', (text) => {
    expect(parseIsoTimestamp(text)).toBeUndefined()
  })
})

describe('ageProblem', () => {
  const now = Date.parse('2026-05-01T12:00:00Z')
  it('accepts ages up to the max and future times up to the skew', () => {
    expect(ageProblem(now - 86_400_000, now, 86_400, 300)).toBeUndefined()
    expect(ageProblem(now + 300_000, now, 86_400, 300)).toBeUndefined()
  })
  it('gives the age of what is too old, and how far ahead what is too new is', () => {
    expect(ageProblem(now - 86_401_000, now, 86_400, 300)).toBe(
      'is 86401 s (24.0 h) old; the oldest accepted is 86400 s',
    )
    expect(ageProblem(now + 301_000, now, 86_400, 300)).toBe(
      'is dated 301 s in the future; the clock skew allowed is 300 s',
    )
  })
  it('describes long durations in days', () => {
    expect(describeDuration(3 * 86_400_000)).toBe('259200 s (3.0 days)')
  })
})

describe('parseHttpDate', () => {
  it('reads an IMF-fixdate', () => {
    expect(parseHttpDate('Fri, 01 May 2026 06:00:00 GMT')).toBe(Date.parse('2026-05-01T06:00:00Z'))
  })
  it.each([
    null,
    undefined,
    '',
    '2026-05-01T06:00:00Z',
    'Friday, 01-May-26 06:00:00 GMT',
    'Fri, 01 May 2026 06:00:00 +0000',
  ])('rejects %j', (text) => {
    expect(parseHttpDate(text)).toBeUndefined()
  })
})
