/**
 * What a request may carry, and the form it is used and cached in.
 *
 * - Bounds, and how bad input is quoted back: a 400 names the field and quotes at most a short
 *   prefix of what was sent. A 9 MB address must not come back as a 9 MB answer, nor go through
 *   a provider, nor be stamped on every line of a list.
 * - Canonical inputs ({@link canonicalInputs}): the inputs an endpoint computes with, caches
 *   under and echoes are its canonical form of the request, so that two spellings of one
 *   request are one request, and two requests are never one cache entry.
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
 */
export function canonicalInputs<P, S>(
  canonical: (inputs: P, settings: S) => P,
): {
  customInputValidation: (req: AdapterRequest<P>, settings: S) => AdapterError | undefined
  requestTransforms: ((req: AdapterRequest<P>, settings: S) => void)[]
} {
  const checked = new WeakMap<object, P>()
  return {
    customInputValidation: (req, settings) => {
      checked.set(req, canonical(req.requestContext.data, settings))
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
