/**
 * Lossless JSON: every number in the text is kept as its exact source text, so a provider's
 * 20-significant-digit figure reaches the decimal helpers digit for digit. Relies on the
 * JSON.parse source-text access available from Node 22.
 */
import { providerError } from './errors'

/** A JSON number, kept as the characters the provider sent. */
export class JsonNumber {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
  toJSON(): string {
    return this.text
  }
}

export type LosslessJson =
  null | boolean | string | JsonNumber | LosslessJson[] | { [key: string]: LosslessJson }

type SourceReviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown

/** Parses JSON text, turning every number into a {@link JsonNumber}. Throws SyntaxError on bad JSON. */
export function parseLosslessJson(text: string): LosslessJson {
  const reviver: SourceReviver = (_key, value, context) => {
    if (typeof value !== 'number') return value
    if (context?.source === undefined) {
      throw new Error('JSON.parse source text access is unavailable: run on Node 22 or later')
    }
    return new JsonNumber(context.source)
  }
  return JSON.parse(text, reviver as Parameters<typeof JSON.parse>[1]) as LosslessJson
}

/**
 * The decimal text of a field that may be sent as a JSON number or a string, or undefined when
 * it is neither (missing, null, boolean, object).
 */
export function numericText(value: LosslessJson | undefined): string | undefined {
  if (value instanceof JsonNumber) return value.text
  if (typeof value === 'string') return value.trim()
  return undefined
}

/** A JSON object, its numbers kept as source text. */
export type JsonRecord = { [key: string]: LosslessJson }

/** Whether a parsed value is a JSON object (not null, a list or a number). */
export function isJsonRecord(value: LosslessJson | undefined): value is JsonRecord {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof JsonNumber)
  )
}

/** A provider value for an error message: its JSON text, cut to 80 characters. */
export function showJson(value: LosslessJson | undefined): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/**
 * Parses a provider's answer as lossless JSON; anything else is a 502 saying that `provider`
 * answered something that is not JSON, quoting the start of it.
 */
export function parseProviderJson(text: string, subject: string, provider: string): LosslessJson {
  try {
    return parseLosslessJson(text)
  } catch {
    throw providerError(
      `${subject}: the ${provider} answered something that is not JSON: ${text.slice(0, 80)}`,
    )
  }
}
