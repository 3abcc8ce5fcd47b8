/**
 * Strict ISO-8601 / RFC 3339 timestamps from providers. `Date.parse` accepts much more (local
 * times without a zone, February 30th rolled into March), so provider dates go through here.
 */

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?))?$/

/**
 * Milliseconds since the epoch of an ISO-8601 timestamp with a zone (`2026-05-01T12:00:00Z`,
 * `…+02:00`) or a bare date (`2026-05-01`, read as its first instant, 00:00 UTC). Undefined for
 * anything else, including impossible dates and a time without a zone.
 */
export function parseIsoTimestamp(text: string): number | undefined {
  const match = typeof text === 'string' ? ISO_TIMESTAMP.exec(text.trim()) : null
  if (!match) return undefined
  const [, y, mo, d, h, mi, s, frac, zone] = match
  if (h !== undefined && zone === undefined) return undefined
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h ?? 0)
  const minute = Number(mi ?? 0)
  const second = Number(s ?? 0)
  const millis = Number((frac ?? '').padEnd(3, '0').slice(0, 3))
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  let offsetMinutes = 0
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '')
    const offsetHours = Number(digits.slice(0, 2))
    const offsetMins = Number(digits.slice(2) || '0')
    if (offsetHours > 23 || offsetMins > 59) return undefined
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins)
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** A duration for error messages: whole seconds, with hours or days alongside when large. */
export function describeDuration(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000)
  if (seconds < 3600) return `${seconds} s`
  if (seconds < 2 * 86_400) return `${seconds} s (${(seconds / 3600).toFixed(1)} h)`
  return `${seconds} s (${(seconds / 86_400).toFixed(1)} days)`
}

/**
 * Why a figure dated `timeMs` may not be used at `nowMs`: older than `maxAgeSeconds`, or dated
 * further in the future than `skewSeconds` (a clock that far ahead is not one to trust).
 * Undefined when it may be used.
 */
export function ageProblem(
  timeMs: number,
  nowMs: number,
  maxAgeSeconds: number,
  skewSeconds: number,
): string | undefined {
  const ageMs = nowMs - timeMs
  if (ageMs > maxAgeSeconds * 1000) {
    return `is ${describeDuration(ageMs)} old; the oldest accepted is ${maxAgeSeconds} s`
  }
  if (-ageMs > skewSeconds * 1000) {
    return `is dated ${describeDuration(-ageMs)} in the future; the clock skew allowed is ${skewSeconds} s`
  }
  return undefined
}

const HTTP_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/

/** Milliseconds since the epoch of an HTTP date (`Last-Modified: Fri, 01 May 2026 06:00:00 GMT`). */
export function parseHttpDate(text: string | null | undefined): number | undefined {
  if (typeof text !== 'string' || !HTTP_DATE.test(text.trim())) return undefined
  const ms = Date.parse(text.trim())
  return Number.isFinite(ms) ? ms : undefined
}
