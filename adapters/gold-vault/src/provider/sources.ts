/**
 * The three sources a custodian may publish, read into one form:
 * - a JSON bar list: `{ vault, asOf, unit: "toz" | "g" | "kg", bars: [{ serial, refiner,
 *   grossWeight, fineness, fineWeight }] }`, numbers as JSON numbers or strings;
 * - the LBMA Good Delivery weight-list CSV: Serial number, Brand, Gross weight, Assay, Fine
 *   weight, Year of manufacture (weights in troy ounces, assay in parts per thousand), dated by
 *   the response's Last-Modified header;
 * - a summary figure, `{ "grams_locked": "91571.93000000" }`, when no bar list is published.
 */
import { parseDecimal, type ScaledAmount } from '#common/decimal'
import { providerError } from '#common/errors'
import {
  JsonNumber,
  isJsonRecord,
  numericText,
  parseProviderJson,
  showJson,
  type JsonRecord,
  type LosslessJson,
} from '#common/json'
import { parseHttpDate, parseIsoTimestamp } from '#common/time'
import { parseCsv } from './csv'
import { WEIGHT_UNITS, type WeightUnit } from '../rules/weights'

export const SOURCE_FORMATS = ['json', 'csv', 'summary'] as const
export type SourceFormat = (typeof SOURCE_FORMATS)[number]
export const FORMAT_INPUTS = ['auto', ...SOURCE_FORMATS] as const
export type FormatInput = (typeof FORMAT_INPUTS)[number]

/** A weight or fineness as sent, and its exact value. */
export interface Reading {
  value: ScaledAmount
  text: string
}

export interface Bar {
  serial: string
  refiner: string
  /** In the list's unit. */
  gross: Reading
  /** Parts per thousand. */
  fineness: Reading
  /** In the list's unit. */
  fine: Reading
  /** Where the bar is in the source: `bars[3]`, `line 5`. */
  where: string
}

export interface SourceDate {
  ms: number
  text: string
  /** Where the date came from: `asOf`, `the Last-Modified header`, … */
  from: string
}

export interface BarList {
  unit: WeightUnit
  bars: Bar[]
}

/**
 * One vault's answer. A JSON body may hold a bar list and its `grams_locked` total both: read
 * as one form (`format`), it carries the other beside it, to be checked against it.
 */
export type VaultSource =
  | ({ format: 'json' | 'csv'; name: string | null; asOf: SourceDate; grams?: Reading } & BarList)
  | {
      format: 'summary'
      name: string | null
      grams: Reading
      asOf: SourceDate | undefined
      barList?: BarList
    }
type BarListSource = Extract<VaultSource, { format: 'json' | 'csv' }>
type SummarySource = Extract<VaultSource, { format: 'summary' }>

/**
 * Reads one vault's response. With `format: 'auto'` the Content-Type decides (`…csv` is CSV,
 * `…json` is JSON), then the body (a body starting with `{` is JSON, anything else CSV); a
 * JSON body with `bars` is a bar list, one with `grams_locked` a summary (one with both must
 * say which with `format`; the other is then read beside it).
 */
export function readSource(
  text: string,
  headers: Headers,
  format: FormatInput,
  subject: string,
): VaultSource {
  const lastModified = headers.get('last-modified')
  const kind =
    format === 'auto' ? sniff(text, headers.get('content-type')) : format === 'csv' ? 'csv' : 'json'
  if (kind === 'csv') return readCsvBarList(text, lastModified, subject)
  const doc = parseDocument(text, subject)
  const hasBars = doc.bars !== undefined
  const hasSummary = doc.grams_locked !== undefined
  const as: SourceFormat =
    format === 'json' || format === 'summary'
      ? format
      : hasBars && hasSummary
        ? fail(
            `${subject}: the response has both a bar list (bars) and a summary (grams_locked); say which with format`,
          )
        : hasBars
          ? 'json'
          : hasSummary
            ? 'summary'
            : fail(`${subject}: the response is neither a bar list (bars) nor a summary (grams_locked)`)
  if (as === 'json') {
    const list = readJsonBarList(doc, subject)
    return hasSummary ? { ...list, grams: amount(doc.grams_locked, 'grams_locked', subject) } : list
  }
  const summary = readSummary(doc, lastModified, subject)
  if (!hasBars) return summary
  const { unit, bars } = readJsonBarList(doc, subject)
  return { ...summary, barList: { unit, bars } }
}

function sniff(text: string, contentType: string | null): 'csv' | 'json' {
  const type = (contentType ?? '').toLowerCase()
  if (type.includes('csv')) return 'csv'
  if (type.includes('json')) return 'json'
  return text.trimStart().startsWith('{') ? 'json' : 'csv'
}

function parseDocument(text: string, subject: string): JsonRecord {
  const body = parseProviderJson(text, subject, 'vault API')
  if (!isJsonRecord(body)) throw providerError(`${subject}: the response is not a JSON object`)
  return body
}

function readJsonBarList(doc: JsonRecord, subject: string): BarListSource {
  if (!Array.isArray(doc.bars))
    throw providerError(`${subject}: bars is ${doc.bars === undefined ? 'missing' : 'not a list'}`)
  const unitText = typeof doc.unit === 'string' ? doc.unit.trim().toLowerCase() : undefined
  if (doc.unit === undefined || doc.unit === null) throw providerError(`${subject}: unit is missing`)
  if (!(WEIGHT_UNITS as readonly (string | undefined)[]).includes(unitText)) {
    throw providerError(`${subject}: unit must be "toz", "g" or "kg", got ${showJson(doc.unit)}`)
  }
  const asOf = isoDate(doc.asOf, 'asOf', subject)
  if (!asOf) throw providerError(`${subject}: asOf (the date of the bar list) is missing`)
  const bars = doc.bars.map((entry, i): Bar => {
    const where = `bars[${i}]`
    if (!isJsonRecord(entry)) throw providerError(`${subject}, ${where}: not an object`)
    const serial = text(entry.serial)
    const refiner = text(entry.refiner)
    if (!serial) throw providerError(`${subject}, ${where}: serial is missing`)
    if (!refiner) throw providerError(`${subject}, ${where}: refiner is missing (bar ${serial})`)
    const bar = `${subject}, bar ${refiner} ${serial} (${where})`
    return {
      serial,
      refiner,
      gross: amount(entry.grossWeight, 'grossWeight', bar),
      fineness: amount(entry.fineness, 'fineness', bar),
      fine: amount(entry.fineWeight, 'fineWeight', bar),
      where,
    }
  })
  return { format: 'json', name: text(doc.vault) ?? null, unit: unitText as WeightUnit, bars, asOf }
}

function readSummary(doc: JsonRecord, lastModified: string | null, subject: string): SummarySource {
  const grams = amount(doc.grams_locked, 'grams_locked', subject)
  let asOf: SourceDate | undefined
  for (const field of ['asOf', 'updatedAt', 'timestamp', 'lastAttestedAt']) {
    asOf = isoDate(doc[field], field, subject)
    if (asOf) break
  }
  asOf ??= httpDate(lastModified, subject)
  return { format: 'summary', name: text(doc.vault) ?? null, grams, asOf }
}

/** Header names, normalized (lower case, single spaces, no unit), for each column read. */
const CSV_COLUMNS = {
  serial: ['serial number', 'serial no', 'serial no.', 'serial', 'bar number', 'bar no'],
  refiner: ['brand', 'refiner'],
  gross: ['gross weight', 'gross'],
  fineness: ['assay', 'fineness'],
  fine: ['fine weight', 'fine'],
} as const
type CsvColumn = keyof typeof CSV_COLUMNS
const TROY_OUNCE_LABELS = ['oz', 'toz', 'ozt', 'oz t', 'troy oz', 'troy ounces', 'troy ounce']

function readCsvBarList(text: string, lastModified: string | null, subject: string): BarListSource {
  let records
  try {
    records = parseCsv(text)
  } catch (error) {
    throw providerError(`${subject}: the CSV bar list cannot be read: ${(error as Error).message}`)
  }
  const rows = records.filter((r) => r.cells.some((c) => c.trim() !== ''))
  const header = rows.shift()
  if (!header) throw providerError(`${subject}: the CSV bar list is empty`)
  const index = {} as Record<CsvColumn, number>
  header.cells.forEach((raw, i) => {
    const match = /^(.*?)\s*(?:\(([^)]*)\))?\s*$/.exec(raw.trim().toLowerCase().replace(/\s+/g, ' '))!
    const name = match[1]
    const unit = match[2]?.trim()
    for (const [column, names] of Object.entries(CSV_COLUMNS) as [CsvColumn, readonly string[]][]) {
      if (!names.includes(name)) continue
      if (index[column] !== undefined)
        throw providerError(`${subject}: the CSV header has two ${column} columns`)
      if (
        (column === 'gross' || column === 'fine') &&
        unit !== undefined &&
        !TROY_OUNCE_LABELS.includes(unit)
      ) {
        throw providerError(`${subject}: CSV column "${raw.trim()}" must be in troy ounces`)
      }
      index[column] = i
    }
  })
  for (const [column, names] of Object.entries(CSV_COLUMNS) as [CsvColumn, readonly string[]][]) {
    if (index[column] === undefined) {
      throw providerError(
        `${subject}: the CSV bar list has no ${names[0]} column (header: ${header.cells.join(',')})`,
      )
    }
  }
  const asOf = httpDate(lastModified, subject)
  if (!asOf) {
    throw providerError(
      `${subject}: a CSV bar list is dated by its Last-Modified header, and the response has none`,
    )
  }
  const bars = rows.map((row): Bar => {
    const where = `line ${row.line}`
    if (row.cells.length !== header.cells.length) {
      throw providerError(
        `${subject}, ${where}: ${row.cells.length} fields where the header has ${header.cells.length}`,
      )
    }
    const cell = (column: CsvColumn) => row.cells[index[column]].trim()
    const serial = cell('serial')
    const refiner = cell('refiner')
    if (!serial) throw providerError(`${subject}, ${where}: the serial number is empty`)
    if (!refiner) throw providerError(`${subject}, ${where}: the brand is empty (bar ${serial})`)
    const bar = `${subject}, bar ${refiner} ${serial} (${where})`
    return {
      serial,
      refiner,
      gross: amount(cell('gross'), 'gross weight', bar),
      fineness: amount(cell('fineness'), 'assay', bar),
      fine: amount(cell('fine'), 'fine weight', bar),
      where,
    }
  })
  return { format: 'csv', name: null, unit: 'toz', bars, asOf }
}

/** A non-negative decimal field, exact, or a 502 naming it. */
function amount(value: LosslessJson | undefined, field: string, subject: string): Reading {
  if (value === undefined || value === null || value === '')
    throw providerError(`${subject}: ${field} is missing`)
  const textValue = numericText(value)
  if (textValue === undefined) throw providerError(`${subject}: ${field} is not a number: ${showJson(value)}`)
  let parsed: ScaledAmount
  try {
    parsed = parseDecimal(textValue, field)
  } catch {
    throw providerError(`${subject}: ${field} is not a decimal number: ${showJson(value)}`)
  }
  if (parsed.units < 0n) throw providerError(`${subject}: ${field} is negative: ${textValue}`)
  return { value: parsed, text: textValue }
}

function isoDate(value: LosslessJson | undefined, field: string, subject: string): SourceDate | undefined {
  if (value === undefined || value === null) return undefined
  const ms = typeof value === 'string' ? parseIsoTimestamp(value) : undefined
  if (ms === undefined)
    throw providerError(`${subject}: ${field} is not an ISO-8601 date: ${showJson(value)}`)
  return { ms, text: value as string, from: field }
}

function httpDate(value: string | null, subject: string): SourceDate | undefined {
  if (value === null) return undefined
  const ms = parseHttpDate(value)
  if (ms === undefined)
    throw providerError(`${subject}: the Last-Modified header is not an HTTP date: ${value}`)
  return { ms, text: new Date(ms).toISOString(), from: 'the Last-Modified header' }
}

/** A serial or name sent as a string or a number; undefined when absent or empty. */
function text(value: LosslessJson | undefined): string | undefined {
  const result =
    typeof value === 'string' ? value.trim() : value instanceof JsonNumber ? value.text : undefined
  return result ? result : undefined
}

function fail(message: string): never {
  throw providerError(message)
}
