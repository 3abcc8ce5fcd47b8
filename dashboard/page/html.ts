/** HTML written safely: every value escaped where it is put, times and durations in plain words. */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** A value as text in HTML (content or attribute). */
export const escape = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c])

/** A template tag: interpolated values are escaped, unless they are {@link Html} already. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]
  values.forEach((value, i) => {
    out += piece(value) + strings[i + 1]
  })
  return new Html(out)
}

function piece(value: unknown): string {
  if (value === undefined || value === null || value === false) return ''
  if (value instanceof Html) return value.text
  if (Array.isArray(value)) return value.map(piece).join('')
  return escape(value)
}

/** JSON inside a `<script type="application/json">`: `<` escaped, so no `</script>` can end it early. */
export const jsonScript = (value: unknown): Html => new Html(JSON.stringify(value).replace(/</g, '\\u003c'))

/** `2026-12-01 14:03:05 UTC` */
export function utc(unixSeconds: number): string {
  return new Date(unixSeconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
}

/** `1 h 2 min 5 s`, `42 s`; a negative duration is in the future. */
export function duration(seconds: number): string {
  if (seconds < 0) return `${duration(-seconds)} in the future`
  const parts: string[] = []
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
  ]
  let rest = Math.floor(seconds)
  for (const [size, unit] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`)
      rest %= size
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest} s`)
  return parts.join(' ')
}

/** A long number (an upkeep id has 77 digits) as people tell them apart: `537884…6110`. */
export const shortNumber = (digits: string): string =>
  digits.length <= 12 ? digits : `${digits.slice(0, 6)}…${digits.slice(-4)}`

/** `0x1234…abcd` */
export const shortHex = (hex: string): string =>
  hex.length <= 14 ? hex : `${hex.slice(0, 6)}…${hex.slice(-4)}`

/** A link, or the text alone when there is nowhere to go; `title`: the whole of what a short text stands for. */
export const link = (href: string | undefined, text: string, title?: string): Html =>
  href ? html`<a href="${href}" ${title ? html` title="${title}"` : ''}>${text}</a>` : html`${text}`

/** A table's header row: one column header per name. */
export const tableHead = (...columns: string[]): Html =>
  html`<thead>
    <tr>
      ${columns.map((column) => html`<th scope="col">${column}</th>`)}
    </tr>
  </thead>`
