/**
 * The gold-vault fixtures: the responses the integration tests replay, in nock.back's
 * definition format. `build-fixtures.ts` writes them to integration/fixtures/.
 *
 * Four LBMA Good Delivery bars, the first one LBMA's own weight-list example (401.125 oz gross
 * at 995.8 → 399.440 oz fine, cut to 0.001 oz). Fine gold: 1602.328 troy oz. The same bars are
 * listed in troy ounces, grams and kilograms (converted exactly at 31.1034768 g / oz) and as an
 * LBMA CSV weight list: every form must give 1602.328 oz.
 */

/** The instant the integration tests run at (Date.now is fixed to it). */
export const FIXTURE_NOW = Date.parse('2026-05-01T12:00:00.000Z')
export const FIXTURE_API_URL = 'https://custody.vault.example/bar-lists'
const SCOPE = new URL(FIXTURE_API_URL).origin
const BASE_PATH = new URL(FIXTURE_API_URL).pathname
export const API_KEY = 'test-api-key'

const AS_OF = '2026-05-01T06:00:00Z'
const LAST_MODIFIED = 'Fri, 01 May 2026 06:00:00 GMT'

export interface NockDefinition {
  scope: string
  method: string
  path: string
  status: number
  response: unknown
  reqheaders?: Record<string, string>
  rawHeaders: Record<string, string>
}

interface BarRow {
  serial: string
  refiner: string
  /** troy oz, grams, kilograms: the same weights. */
  gross: [string, string, string]
  fineness: string
  fine: [string, string, string]
  year: string
}

export const BARS: BarRow[] = [
  {
    serial: 'AB12345',
    refiner: 'Valcambi SA',
    gross: ['401.125', '12476.3821314', '12.4763821314'],
    fineness: '995.8',
    fine: ['399.440', '12423.972772992', '12.423972772992'],
    year: '2019',
  },
  {
    serial: 'K54321',
    refiner: 'PAMP SA',
    gross: ['400.500', '12456.9424584', '12.4569424584'],
    fineness: '999.9',
    fine: ['400.459', '12455.6672158512', '12.4556672158512'],
    year: '2021',
  },
  {
    serial: '19-7788',
    refiner: 'Argor-Heraeus SA',
    gross: ['399.875', '12437.5027854', '12.4375027854'],
    fineness: '999.5',
    fine: ['399.675', '12431.28209004', '12.43128209004'],
    year: '2020',
  },
  {
    serial: 'R0042',
    refiner: 'Rand Refinery, Ltd.',
    gross: ['404.250', '12573.5804964', '12.5735804964'],
    fineness: '996.3',
    fine: ['402.754', '12527.0496951072', '12.5270496951072'],
    year: '2018',
  },
]

const UNIT_INDEX = { toz: 0, g: 1, kg: 2 } as const

/** A JSON bar list; troy ounces as JSON numbers, grams and kilograms as strings. */
function barList(vault: string, unit: keyof typeof UNIT_INDEX, bars: BarRow[], asOf = AS_OF) {
  const u = UNIT_INDEX[unit]
  const num = (text: string) => (unit === 'toz' ? Number(text) : text)
  return {
    vault,
    asOf,
    unit,
    bars: bars.map((b) => ({
      serial: b.serial,
      refiner: b.refiner,
      grossWeight: num(b.gross[u]),
      fineness: unit === 'toz' ? Number(b.fineness) : b.fineness,
      fineWeight: num(b.fine[u]),
    })),
  }
}

/** The LBMA weight-list CSV (CRLF line ends, quoted where a field holds a comma). */
export function weightListCsv(bars: BarRow[]): string {
  const quote = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
  const lines = ['Serial number,Brand,Gross weight,Assay,Fine weight,Year of manufacture']
  for (const b of bars)
    lines.push([b.serial, quote(b.refiner), b.gross[0], b.fineness, b.fine[0], b.year].join(','))
  return lines.join('\r\n') + '\r\n'
}

const get = (
  vault: string,
  response: unknown,
  rawHeaders: Record<string, string>,
  status = 200,
): NockDefinition => ({
  scope: SCOPE,
  method: 'GET',
  path: `${BASE_PATH}/${vault}`,
  status,
  response,
  rawHeaders,
})
const json = (vault: string, body: unknown) => get(vault, body, { 'content-type': 'application/json' })
const csv = (vault: string, text: string, lastModified: string | null = LAST_MODIFIED) =>
  get(vault, text, { 'content-type': 'text/csv', ...(lastModified ? { 'last-modified': lastModified } : {}) })

export function buildFixtures(): Record<string, NockDefinition[]> {
  const [b1, b2, b3, b4] = BARS
  return {
    'bars-toz': [json('bars-toz', barList('London', 'toz', BARS))],
    'bars-g': [json('bars-g', barList('London', 'g', BARS))],
    'bars-kg': [json('bars-kg', barList('London', 'kg', BARS))],
    'bars-csv': [csv('bars-csv', weightListCsv(BARS))],
    summary: [json('summary', { grams_locked: '91571.93000000' })],
    // Two vaults in one request, one JSON and one CSV.
    multi: [json('london', barList('London', 'toz', [b1, b2])), csv('zurich', weightListCsv([b3, b4]))],

    duplicate: [
      json(
        'duplicate',
        barList('London', 'toz', [...BARS, { ...b2, serial: ' k54321', refiner: 'Pamp SA' }]),
      ),
    ],
    'duplicate-across-vaults': [
      json('dup-a', barList('London', 'toz', [b1, b2])),
      csv('dup-b', weightListCsv([b2, b3])),
    ],
    inconsistent: [
      json('inconsistent', barList('London', 'toz', [{ ...b1, fine: ['399.540', '', ''] }, b2, b3, b4])),
    ],
    'fineness-low': [
      json(
        'fineness-low',
        barList('London', 'toz', [b1, b2, { ...b3, fineness: '990.0', fine: ['395.876', '', ''] }, b4]),
      ),
    ],
    stale: [json('stale', barList('London', 'toz', BARS, '2026-04-29T06:00:00Z'))],
    future: [json('future', barList('London', 'toz', BARS, '2026-05-01T13:00:00Z'))],
    'csv-undated': [csv('csv-undated', weightListCsv(BARS), null)],
    'not-a-bar-list': [json('not-a-bar-list', { vault: 'London', totalOunces: '1602.328' })],
    'api-key': [{ ...json('api-key', barList('London', 'toz', BARS)), reqheaders: { 'x-api-key': API_KEY } }],
    'server-error': [get('server-error', 'Service Unavailable', { 'content-type': 'text/plain' }, 503)],
  }
}
