import { describe, expect, it } from '@jest/globals'
import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { readSource, type FormatInput, type VaultSource } from '../../src/provider/sources'
import { BARS, weightListCsv } from '../fixture-data'

const JSON_TYPE = { 'content-type': 'application/json' }
const CSV_TYPE = { 'content-type': 'text/csv', 'last-modified': 'Fri, 01 May 2026 06:00:00 GMT' }
const read = (body: string, headers: Record<string, string> = JSON_TYPE, format: FormatInput = 'auto') =>
  readSource(body, new Headers(headers), format, 'vault v')

function failure(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(AdapterError)
    expect((error as AdapterError).statusCode).toBe(502)
    return (error as Error).message
  }
  throw new Error('expected a 502')
}

const barList = (overrides: Record<string, unknown> = {}, bar: Record<string, unknown> = {}) =>
  JSON.stringify({
    vault: 'London',
    asOf: '2026-05-01T06:00:00Z',
    unit: 'toz',
    bars: [
      {
        serial: 'AB12345',
        refiner: 'Valcambi SA',
        grossWeight: 401.125,
        fineness: 995.8,
        fineWeight: 399.44,
        ...bar,
      },
    ],
    ...overrides,
  })

const barsOf = (source: VaultSource) => {
  if (source.format === 'summary') throw new Error('not a bar list')
  return source.bars
}

describe('readSource', () => {
  describe('format', () => {
    it('auto: Content-Type first, then the body, then the JSON keys', () => {
      expect(read(barList()).format).toBe('json')
      expect(read('{"grams_locked":"1.5"}').format).toBe('summary')
      expect(read(weightListCsv(BARS), CSV_TYPE).format).toBe('csv')
      expect(read(weightListCsv(BARS), { 'last-modified': CSV_TYPE['last-modified'] }).format).toBe('csv')
      expect(read(`  ${barList()}`, { 'content-type': 'text/plain' }).format).toBe('json')
      expect(
        read(weightListCsv(BARS), { ...CSV_TYPE, 'content-type': 'application/vnd.ms-excel' }).format,
      ).toBe('csv')
    })

    it('auto: a JSON body with both a bar list and a summary must say which', () => {
      expect(failure(() => read('{"bars":[],"grams_locked":"1"}'))).toContain('say which with format')
    })

    it('an explicit format reads the body as that, whatever the Content-Type', () => {
      expect(
        read(weightListCsv(BARS), { ...CSV_TYPE, 'content-type': 'application/json' }, 'csv').format,
      ).toBe('csv')
      const both = '{"unit":"g","asOf":"2026-05-01T06:00:00Z","bars":[],"grams_locked":"0"}'
      expect(read(both, JSON_TYPE, 'summary').format).toBe('summary')
      expect(read(both, JSON_TYPE, 'json').format).toBe('json')
      expect(failure(() => read('{"grams_locked":"1"}', JSON_TYPE, 'json'))).toBe('vault v: bars is missing')
    })

    it('an explicit format reads the other form sent beside it too, to check them against each other', () => {
      const both = '{"unit":"g","asOf":"2026-05-01T06:00:00Z","bars":[],"grams_locked":"12.5"}'
      expect(read(both, JSON_TYPE, 'json')).toMatchObject({ format: 'json', grams: { text: '12.5' } })
      expect(read(both, JSON_TYPE, 'summary')).toMatchObject({
        format: 'summary',
        barList: { unit: 'g', bars: [] },
      })
      expect(failure(() => read('{"bars":[],"grams_locked":"1"}', JSON_TYPE, 'summary'))).toBe(
        'vault v: unit is missing',
      )
    })

    it('a body that is not JSON where JSON is expected', () => {
      expect(failure(() => read('<html>', JSON_TYPE))).toContain(
        'vault v: the vault API answered something that is not JSON',
      )
      expect(failure(() => read('[1]', JSON_TYPE))).toBe('vault v: the response is not a JSON object')
    })
  })

  describe('JSON bar list', () => {
    it('reads every bar exactly, numbers or strings, serials as text', () => {
      const [bar] = barsOf(read(barList({}, { serial: 123456, grossWeight: '401.125', fineness: '995.8' })))
      expect(bar).toMatchObject({ serial: '123456', refiner: 'Valcambi SA', where: 'bars[0]' })
      expect(bar.gross.text).toBe('401.125')
      expect(bar.fine.value).toEqual({ units: 39944n, decimals: 2 })
      const source = read(barList({ unit: ' KG ' }))
      expect(source).toMatchObject({ unit: 'kg', name: 'London', asOf: { from: 'asOf' } })
    })

    it.each([
      [{ unit: undefined }, 'vault v: unit is missing'],
      [{ unit: 'oz' }, 'vault v: unit must be "toz", "g" or "kg", got "oz"'],
      [{ asOf: undefined }, 'vault v: asOf (the date of the bar list) is missing'],
      [{ asOf: '01/05/2026' }, 'vault v: asOf is not an ISO-8601 date: "01/05/2026"'],
      [{ bars: {} }, 'vault v: bars is not a list'],
      [{ bars: [7] }, 'vault v, bars[0]: not an object'],
    ])('%j is a 502', (overrides, message) => {
      expect(failure(() => read(barList(overrides)))).toBe(message)
    })

    it.each([
      [{ serial: '' }, 'vault v, bars[0]: serial is missing'],
      [{ refiner: undefined }, 'vault v, bars[0]: refiner is missing (bar AB12345)'],
      [{ grossWeight: undefined }, 'vault v, bar Valcambi SA AB12345 (bars[0]): grossWeight is missing'],
      [
        { fineness: 'n/a' },
        'vault v, bar Valcambi SA AB12345 (bars[0]): fineness is not a decimal number: "n/a"',
      ],
      [
        { fineWeight: -399.44 },
        'vault v, bar Valcambi SA AB12345 (bars[0]): fineWeight is negative: -399.44',
      ],
      [{ fineWeight: [1] }, 'vault v, bar Valcambi SA AB12345 (bars[0]): fineWeight is not a number: ["1"]'],
    ])('a bar with %j is a 502 naming it', (bar, message) => {
      expect(failure(() => read(barList({}, bar)))).toBe(message)
    })
  })

  describe('LBMA CSV weight list', () => {
    it('reads every row, in troy ounces, dated by Last-Modified', () => {
      const source = read(weightListCsv(BARS), CSV_TYPE)
      expect(source).toMatchObject({
        format: 'csv',
        unit: 'toz',
        asOf: { ms: Date.parse('2026-05-01T06:00:00Z'), from: 'the Last-Modified header' },
      })
      const bars = barsOf(source)
      expect(bars).toHaveLength(4)
      expect(bars[3]).toMatchObject({ serial: 'R0042', refiner: 'Rand Refinery, Ltd.', where: 'line 5' })
      expect(bars[3].fine.text).toBe('402.754')
    })

    it('accepts header variants: case, spacing, "Refiner", "Serial No", units in troy ounces, extra columns', () => {
      const csv =
        'Serial No,REFINER,Gross Weight (oz),Fineness,Fine  weight (troy oz),Location\n' +
        'X1,PAMP SA,400.000,999.9,399.960,Vault 3\n'
      const [bar] = barsOf(read(csv, CSV_TYPE))
      expect(bar).toMatchObject({ serial: 'X1', refiner: 'PAMP SA' })
      expect(bar.fine.text).toBe('399.960')
    })

    it.each([
      [
        'Serial number,Brand,Gross weight (g),Assay,Fine weight\n',
        'CSV column "Gross weight (g)" must be in troy ounces',
      ],
      ['Serial number,Brand,Gross weight,Assay\n', 'the CSV bar list has no fine weight column'],
      [
        'Serial number,Brand,Brand,Gross weight,Assay,Fine weight\n',
        'the CSV header has two refiner columns',
      ],
      [
        'Serial number,Brand,Gross weight,Assay,Fine weight\nX1,PAMP SA,400,999.9\n',
        'vault v, line 2: 4 fields where the header has 5',
      ],
      [
        'Serial number,Brand,Gross weight,Assay,Fine weight\n,PAMP SA,400,999.9,399.96\n',
        'vault v, line 2: the serial number is empty',
      ],
      [
        'Serial number,Brand,Gross weight,Assay,Fine weight\nX1,PAMP SA,400,999.9,"399,96"\n',
        'vault v, bar PAMP SA X1 (line 2): fine weight is not a decimal number: "399,96"',
      ],
      [
        'Serial number,Brand\n"X1,PAMP SA\n',
        'the CSV bar list cannot be read: line 2: a quoted field is never closed',
      ],
      ['\n\n', 'the CSV bar list is empty'],
    ])('%j is a 502', (csv, message) => {
      expect(failure(() => read(csv, CSV_TYPE))).toContain(message)
    })

    it('needs a valid Last-Modified date', () => {
      expect(failure(() => read(weightListCsv(BARS), { 'content-type': 'text/csv' }))).toContain(
        'a CSV bar list is dated by its Last-Modified header, and the response has none',
      )
      expect(
        failure(() =>
          read(weightListCsv(BARS), { 'content-type': 'text/csv', 'last-modified': 'yesterday' }),
        ),
      ).toContain('the Last-Modified header is not an HTTP date: yesterday')
    })
  })

  describe('summary', () => {
    it('reads grams_locked exactly, undated unless the body or Last-Modified dates it', () => {
      expect(read('{"grams_locked":"91571.93000000"}')).toEqual({
        format: 'summary',
        name: null,
        grams: { value: { units: 9157193000000n, decimals: 8 }, text: '91571.93000000' },
        asOf: undefined,
      })
      expect(read('{"grams_locked":1.5,"updatedAt":"2026-05-01T06:00:00Z"}').asOf).toMatchObject({
        from: 'updatedAt',
      })
      expect(
        read('{"grams_locked":1.5}', { ...JSON_TYPE, 'last-modified': CSV_TYPE['last-modified'] }).asOf,
      ).toMatchObject({
        from: 'the Last-Modified header',
      })
    })

    it.each([
      ['{"grams_locked":null}', 'vault v: grams_locked is missing'],
      ['{"grams_locked":"-1"}', 'vault v: grams_locked is negative: -1'],
      ['{"grams_locked":"91,571.93"}', 'vault v: grams_locked is not a decimal number: "91,571.93"'],
      ['{"grams_locked":"1","asOf":"soon"}', 'vault v: asOf is not an ISO-8601 date: "soon"'],
    ])('%s is a 502', (body, message) => {
      expect(failure(() => read(body, JSON_TYPE, 'summary'))).toBe(message)
    })
  })
})
