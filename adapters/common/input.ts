/**
 * What a request may carry, and the form it is used and cached in.
 *
 * - Bounds, and how bad input is quoted back: a 400 names the field and quotes at most a short
 *   prefix of what was sent. A 9 MB address must not come back as a 9 MB answer, nor go through
 *   a provider, nor be stamped on every line of a list.
 * - Canonical inputs ({@link canonicalInputs}): the inputs an endpoint computes with, caches
 *   under and echoes are its canonical form of the request, so that two spellings of one
 *   request are one request, and two requests are never one cache entry.
 * - Worked out once ({@link ValidatedInputs}): a node asks the same few requests again and
 *   again, each answered from the cache; the checks and the canonical form of a request body
 *   seen before are not worked out again.
 */
import type { AdapterRequest } from '@chainlink/external-adapter-framework/util'
import type { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { inputError } from './errors'

/**
 * The longest text any input may hold, whatever the adapter (checked for every request by
 * `ReserveAdapter` before the endpoint's own checks, which are tighter per field).
 */
export const MAX_INPUT_TEXT_LENGTH = 2_048

/** Characters of a bad input quoted back in a message. */
export const QUOTED_PREFIX = 100

/**
 * A value from a request, for an error message: its JSON, or for long text its first
 * {@link QUOTED_PREFIX} characters and its length (`"bc1qqqq…" (9000000 characters)`).
 */
export function quoteInput(value: unknown): string {
  if (typeof value === 'string' && value.length > QUOTED_PREFIX) {
    return `${JSON.stringify(value.slice(0, QUOTED_PREFIX)).slice(0, -1)}…" (${value.length} characters)`
  }
  const text = JSON.stringify(value) ?? String(value)
  return text.length > QUOTED_PREFIX * 2
    ? `${text.slice(0, QUOTED_PREFIX * 2)}… (${text.length} characters)`
    : text
}

/**
 * Refuses (400) any text in `data`, at any depth, longer than `limit`, naming where it is
 * (`addresses[3].address`).
 */
export function checkTextLengths(data: unknown, limit = MAX_INPUT_TEXT_LENGTH, path = ''): void {
  if (typeof data === 'string') {
    if (data.length > limit) {
      throw inputError(`${path || 'input'}: ${quoteInput(data)} is longer than ${limit} characters`)
    }
    return
  }
  if (Array.isArray(data)) {
    data.forEach((item, i) => checkTextLengths(item, limit, `${path}[${i}]`))
    return
  }
  if (typeof data === 'object' && data !== null) {
    for (const [key, value] of Object.entries(data)) {
      checkTextLengths(value, limit, path ? `${path}.${key}` : key)
    }
  }
}

/** A name: a letter or digit, then letters, digits, "-" and "_", at most 64 in all. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/

/** `value` if it is a {@link NAME}; otherwise a 400 naming `field` and quoting the value. */
export function checkName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw inputError(`${field}: ${quoteInput(value)} is not a name: letters, digits, "-" and "_", at most 64`)
  }
  return value
}

/**
 * An endpoint's input validation (the framework's `InputParameters.validateInput`) remembered
 * by the JSON of the `data` it was given, for the last {@link ValidatedInputs.MAX_ENTRIES}
 * distinct ones, at most {@link ValidatedInputs.MAX_CHARACTERS} characters of them in all.
 *
 * The same `data` gives the same validated object, so that what is worked out from it next (the
 * text caps, the canonical form, the cache key) is worked out once per object. A validation that
 * throws is not remembered. The key is the JSON of the parsed body (what validation sees: key
 * order kept, `1.0` and `1` alike), never a raw string the framework did not parse.
 */
export class ValidatedInputs<V> {
  /**
   * A node asks an adapter a handful of distinct requests, again and again; a flood of distinct
   * ones leaves only the last few behind (a few kB each), not one per request.
   */
  static readonly MAX_ENTRIES = 64
  static readonly MAX_CHARACTERS = 4 * 1024 * 1024
  private readonly entries = new Map<string, V>()
  private characters = 0

  constructor(private readonly validate: (data: unknown) => V) {}

  get(data: unknown): V {
    const text = JSON.stringify(data) ?? ''
    const known = this.entries.get(text)
    if (known !== undefined) {
      // Most recently used last.
      this.entries.delete(text)
      this.entries.set(text, known)
      return known
    }
    const validated = this.validate(data)
    if (text.length > ValidatedInputs.MAX_CHARACTERS) return validated
    this.entries.set(text, validated)
    this.characters += text.length
    for (const [oldest] of this.entries) {
      if (
        this.entries.size <= ValidatedInputs.MAX_ENTRIES &&
        this.characters <= ValidatedInputs.MAX_CHARACTERS
      )
        break
      this.entries.delete(oldest)
      this.characters -= oldest.length
    }
    return validated
  }
}

/** `value`, and every object and list in it, frozen: a canonical form shared by requests cannot be changed by one. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const item of Object.values(value)) deepFreeze(item)
  }
  return value
}

/**
 * An endpoint's `customInputValidation` and `requestTransforms` from its request check
 * `canonical(inputs, settings)`: a function that throws the 400s (naming the field) and returns
 * the inputs in canonical form: case-insensitive texts normalised (a network name lower-cased,
 * an EVM address checksummed, a bech32 address lower-cased), case-sensitive ones kept as sent
 * (a base58 address, a URL path), defaults filled in, anything the endpoint ignores dropped.
 *
 * The framework runs the validation, then the transforms, then makes the cache key and
 * registers the request for the background: the canonical inputs replace the request's there,
 * so they are what is computed, cached and echoed. `canonical` must be idempotent (canonical
 * inputs are their own canonical form): the transport checks them again.
 *
 * The canonical form is worked out once per validated inputs object (ReserveAdapter gives the
 * same object for the same request body: {@link ValidatedInputs}), and frozen: requests share it.
 * `canonical` must depend only on the inputs and the settings (both fixed for an adapter).
 */
export function canonicalInputs<P, S>(
  canonical: (inputs: P, settings: S) => P,
): {
  customInputValidation: (req: AdapterRequest<P>, settings: S) => AdapterError | undefined
  requestTransforms: ((req: AdapterRequest<P>, settings: S) => void)[]
} {
  const canonicalOf = new WeakMap<object, P>()
  const checked = new WeakMap<object, P>()
  return {
    customInputValidation: (req, settings) => {
      const inputs = req.requestContext.data as P & object
      let form = canonicalOf.get(inputs)
      if (form === undefined) {
        form = deepFreeze(canonical(inputs, settings))
        canonicalOf.set(inputs, form)
      }
      checked.set(req, form)
      return undefined
    },
    requestTransforms: [
      (req) => {
        const inputs = checked.get(req)
        if (inputs !== undefined) req.requestContext.data = inputs
      },
    ],
  }
}
