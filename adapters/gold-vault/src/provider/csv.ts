/** One parsed CSV record, with the 1-based line it starts on (for error messages). */
export interface CsvRecord {
  line: number
  cells: string[]
}

/**
 * RFC 4180 CSV: comma-separated; a field may be in double quotes, where a doubled quote is a
 * quote and commas and line breaks are data; CRLF or LF line ends; a leading BOM is dropped.
 * A blank line is a record of one empty cell. Throws on an unterminated quoted field or on
 * text after a closing quote.
 */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.startsWith('\ufeff') ? text.slice(1) : text
  const records: CsvRecord[] = []
  let cells: string[] = []
  let cell = ''
  let started = false
  let inQuotes = false
  let afterQuote = false
  let line = 1
  let recordLine = 1
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]
    if (inQuotes) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') {
        inQuotes = false
        afterQuote = true
      } else {
        if (ch === '\n') line++
        cell += ch
      }
      continue
    }
    if (ch === '"' && cell === '' && !afterQuote) {
      inQuotes = true
      started = true
    } else if (ch === ',') {
      cells.push(cell)
      cell = ''
      afterQuote = false
      started = true
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && src[i + 1] === '\n') i++
      cells.push(cell)
      records.push({ line: recordLine, cells })
      cells = []
      cell = ''
      afterQuote = false
      started = false
      line++
      recordLine = line
    } else if (afterQuote) {
      throw new Error(`line ${line}: text after a closing quote`)
    } else {
      cell += ch
      started = true
    }
  }
  if (inQuotes) throw new Error(`line ${recordLine}: a quoted field is never closed`)
  if (started) {
    cells.push(cell)
    records.push({ line: recordLine, cells })
  }
  return records
}
