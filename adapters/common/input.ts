/**
 * Bounds on what a request may carry, and how bad input is quoted back. A 400 names the field
 * and quotes at most a short prefix of what was sent: a 9 MB address must not come back as a
 * 9 MB answer, nor go through a provider, nor be stamped on every line of a list.
 */
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
