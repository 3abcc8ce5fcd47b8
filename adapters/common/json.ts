/**
 * Lossless JSON: every number in the text is kept as its exact source text, so a provider's
 * 20-significant-digit figure reaches the decimal helpers digit for digit. Relies on the
 * JSON.parse source-text access available from Node 22.
 *
 * Unambiguous JSON: a text with a key twice in one object (`"ripcord": true, "ripcord": false`)
 * is refused. JSON.parse keeps the last one, another reader may keep the first: such a body has
 * no one reading.
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

/**
 * Parses JSON text, turning every number into a {@link JsonNumber}. Throws SyntaxError on bad
 * JSON, and {@link DuplicateKeyError} on a key twice in one object.
 */
export function parseLosslessJson(text: string): LosslessJson {
  const reviver: SourceReviver = (_key, value, context) => {
    if (typeof value !== 'number') return value
    if (context?.source === undefined) {
      throw new Error('JSON.parse source text access is unavailable: run on Node 22 or later')
    }
    return new JsonNumber(context.source)
  }
  return parseUnambiguousJson(text, reviver as Parameters<typeof JSON.parse>[1]) as LosslessJson
}

/**
 * `JSON.parse(text, reviver)`, refusing a key twice in one object: throws SyntaxError on bad
 * JSON and {@link DuplicateKeyError} on an ambiguous one.
 */
export function parseUnambiguousJson(text: string, reviver?: Parameters<typeof JSON.parse>[1]): unknown {
  const value: unknown = JSON.parse(text, reviver)
  const duplicate = findDuplicateKey(text)
  if (duplicate !== undefined) throw new DuplicateKeyError(duplicate)
  return value
}

/** A JSON text with a key twice in one object; `path` says where (`token[1].tokenName`). */
export class DuplicateKeyError extends Error {
  constructor(readonly path: string) {
    super(`"${path}" appears twice in one object`)
  }
}

/** An object or a list being scanned, and how it was reached from its parent. */
interface Container {
  parent: Container | undefined
  /** The key or index under which the parent holds it. */
  via: string | number | undefined
  /** An object's keys so far; null for a list. */
  keys: Set<string> | null
  /** In an object: whether the next string is a key. In a list: the index of the current item. */
  expectsKey: boolean
  index: number
  /** An object's current key. */
  key: string | undefined
}

/**
 * Where the first key that appears twice in one object of `text` is (`a.b[0].c`, `[0].result`),
 * or undefined when every object's keys are distinct. Keys are compared decoded
 * (`"\u0072ipcord"` is `"ripcord"`) and case-sensitively, as JSON.parse reads them. `text` must
 * be valid JSON (parse it first).
 */
export function findDuplicateKey(text: string): string | undefined {
  let top: Container | undefined
  const open = (keys: Set<string> | null) => {
    const via = top === undefined ? undefined : top.keys ? top.key : top.index
    top = { parent: top, via, keys, expectsKey: true, index: 0, key: undefined }
  }
  for (let i = 0; i < text.length; i++) {
    switch (text.charCodeAt(i)) {
      case 0x22: {
        // A string: find its closing quote, one not escaped by an odd run of backslashes.
        let end = i
        for (;;) {
          end = text.indexOf('"', end + 1)
          let backslashes = 0
          while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++
          if (backslashes % 2 === 0) break
        }
        if (top?.keys && top.expectsKey) {
          const raw = text.slice(i + 1, end)
          const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw
          if (top.keys.has(key)) return pathOf(top, key)
          top.keys.add(key)
          top.key = key
          top.expectsKey = false
        }
        i = end
        break
      }
      case 0x7b: // {
        open(new Set())
        break
      case 0x5b: // [
        open(null)
        break
      case 0x7d: // }
      case 0x5d: // ]
        top = top?.parent
        break
      case 0x2c: // ,
        if (top?.keys) top.expectsKey = true
        else if (top) top.index++
        break
    }
  }
  return undefined
}

/** The path of `key` in `container`: the keys and indexes from the top, `a.b[0].key`. */
function pathOf(container: Container, key: string): string {
  const steps: (string | number)[] = [key]
  for (let c: Container | undefined = container; c?.via !== undefined; c = c.parent) steps.unshift(c.via)
  return steps
    .map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`))
    .join('')
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
 * answered something that is not JSON, quoting the start of it, or an ambiguous body (a key
 * twice in one object), naming the key.
 */
export function parseProviderJson(text: string, subject: string, provider: string): LosslessJson {
  try {
    return parseLosslessJson(text)
  } catch (error) {
    if (error instanceof DuplicateKeyError) {
      throw providerError(`${subject}: the ${provider} answered an ambiguous body: ${error.message}`)
    }
    throw providerError(
      `${subject}: the ${provider} answered something that is not JSON: ${text.slice(0, 80)}`,
    )
  }
}
