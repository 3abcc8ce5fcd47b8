import { describe, expect, it } from '@jest/globals'
import { parseCsv } from '../../src/provider/csv'

const cells = (text: string) => parseCsv(text).map((r) => r.cells)

describe('parseCsv', () => {
  it('splits records on CRLF or LF, fields on commas', () => {
    expect(cells('a,b,c\r\n1,2,3\n4,5,6')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', '6'],
    ])
  })

  it('reads quoted fields: commas, doubled quotes and line breaks inside are data', () => {
    expect(cells('"Rand Refinery, Ltd.","say ""999.9""","two\r\nlines",x\r\n')).toEqual([
      ['Rand Refinery, Ltd.', 'say "999.9"', 'two\r\nlines', 'x'],
    ])
  })

  it('keeps empty fields, quoted or not, and counts lines across quoted line breaks', () => {
    const records = parseCsv('a,"",\n"x\ny",2\nlast')
    expect(records).toEqual([
      { line: 1, cells: ['a', '', ''] },
      { line: 2, cells: ['x\ny', '2'] },
      { line: 4, cells: ['last'] },
    ])
  })

  it('drops a leading BOM; a blank line is one empty cell; no record after a final line end', () => {
    expect(cells('\ufeffa,b\n\n1,2\n')).toEqual([['a', 'b'], [''], ['1', '2']])
  })

  it('treats a quote inside an unquoted field as data', () => {
    expect(cells('5"x,y')).toEqual([['5"x', 'y']])
  })

  it('rejects an unterminated quote and text after a closing quote', () => {
    expect(() => parseCsv('a,"open\n1,2')).toThrow('line 1: a quoted field is never closed')
    expect(() => parseCsv('a\n"b"c,d')).toThrow('line 2: text after a closing quote')
  })
})
