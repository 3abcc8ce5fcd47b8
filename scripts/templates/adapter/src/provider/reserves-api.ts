/**
 * Reading the reserves API's answer: `{ "account", "reserves": "1234567.891", "asOf": "<ISO-8601>" }`,
 * the figure as decimal text or a JSON number, read from the response text exactly.
 */
import { parseDecimal, type ScaledAmount } from '#common/decimal'
import { providerError } from '#common/errors'
import { isJsonRecord, numericText, parseProviderJson, showJson } from '#common/json'
import { parseIsoTimestamp } from '#common/time'

export interface ReservesReport {
  /** The reserves, exactly, and as the provider wrote them. */
  reserves: { value: ScaledAmount; text: string }
  /** When the figure was true, and as the provider wrote it. */
  asOf: { ms: number; text: string }
}

/** The report in one answer; anything missing or malformed is a 502 naming the field. */
export function readReservesReport(text: string, subject: string): ReservesReport {
  const doc = parseProviderJson(text, subject, 'reserves API')
  if (!isJsonRecord(doc)) throw providerError(`${subject}: the answer is not a JSON object`)
  const reservesText = numericText(doc.reserves)
  if (reservesText === undefined) {
    throw providerError(`${subject}: reserves is missing or not a number: ${showJson(doc.reserves)}`)
  }
  let value: ScaledAmount
  try {
    value = parseDecimal(reservesText, 'reserves')
  } catch {
    throw providerError(`${subject}: reserves is not a decimal number: ${showJson(doc.reserves)}`)
  }
  const asOfText = doc.asOf
  const ms = typeof asOfText === 'string' ? parseIsoTimestamp(asOfText) : undefined
  if (ms === undefined) {
    throw providerError(
      `${subject}: asOf is missing or not an ISO-8601 time with a zone: ${showJson(asOfText)}`,
    )
  }
  return { reserves: { value, text: reservesText }, asOf: { ms, text: asOfText as string } }
}
