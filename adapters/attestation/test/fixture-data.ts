/**
 * The attestation fixtures: the responses the integration tests replay, in nock.back's
 * definition format. `build-fixtures.ts` writes them to integration/fixtures/; the tests read
 * the files, never this module's output directly.
 *
 * Bodies that must reach the adapter byte for byte (numbers beyond a float's precision, bodies
 * a signature covers) are stored hex-encoded with `responseIsBinary: true`: nock parses and
 * re-serializes any JSON it is given as text or object, which would change both. Each such
 * definition keeps the readable body in `_responseText` (nock ignores the field).
 */
import { Wallet, keccak256, toUtf8Bytes } from 'ethers'

/** The instant the integration tests run at (Date.now is fixed to it). */
export const FIXTURE_NOW = Date.parse('2026-05-01T12:00:00.000Z')
export const FIXTURE_API_URL = 'https://attestations.auditor.example'
export const API_KEY = 'test-api-key'

/** Test keys, derived from public strings: never use them for anything real. */
export const AUDITOR = new Wallet(keccak256(toUtf8Bytes('attestation fixtures: the auditor (test key)')))
export const IMPOSTOR = new Wallet(keccak256(toUtf8Bytes('attestation fixtures: an impostor (test key)')))

export interface NockDefinition {
  scope: string
  method: string
  path: string
  status: number
  response: unknown
  responseIsBinary?: boolean
  _responseText?: string
  reqheaders?: Record<string, string>
  rawHeaders: Record<string, string>
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' }

function json(path: string, body: unknown, status = 200): NockDefinition[] {
  return [{ scope: FIXTURE_API_URL, method: 'GET', path, status, response: body, rawHeaders: JSON_HEADERS }]
}

/** A body sent exactly as `text`, optionally with extra headers (a signature). */
function exact(path: string, text: string, headers: Record<string, string> = {}): NockDefinition[] {
  return [
    {
      scope: FIXTURE_API_URL,
      method: 'GET',
      path,
      status: 200,
      response: Buffer.from(text, 'utf8').toString('hex'),
      responseIsBinary: true,
      _responseText: text,
      rawHeaders: { ...JSON_HEADERS, ...headers },
    },
  ]
}

function raw(path: string, status: number, text: string, contentType: string): NockDefinition[] {
  return [
    {
      scope: FIXTURE_API_URL,
      method: 'GET',
      path,
      status,
      response: text,
      rawHeaders: { 'content-type': contentType },
    },
  ]
}

/** TrustExplorer / Moore HK style (TUSD). */
const tusdStyle = (overrides: Record<string, unknown> = {}) => ({
  accountName: 'TrueUSD',
  totalTrust: 494619520.73,
  totalToken: 494522755.45,
  updatedAt: '2026-05-01T11:00:12.345Z',
  token: [
    {
      tokenName: 'TUSD (ETH)',
      totalTokenByChain: 312457117.08,
      totalTrustByChain: 312518259.4,
      bankBalances: { 'Bank A': 200000000.11, 'Bank B': 112518259.29 },
    },
    { tokenName: 'TUSD (TRON)', totalTokenByChain: 158021300.12, totalTrustByChain: 158040619.07 },
    { tokenName: 'TUSD (AVAX)', totalTokenByChain: 4044338.25 },
    { tokenName: 'TUSD (BNB)', totalTokenByChain: 12000000, totalTrustByChain: 12001322.1 },
    { tokenName: 'TUSD (BSC)', totalTokenByChain: 8000000, totalTrustByChain: 8001000 },
  ],
  ripcord: false,
  ripcordDetails: [],
  ...overrides,
})

/** The Network Firm style. */
const networkFirmStyle = (overrides: Record<string, unknown> = {}) => ({
  accountName: 'USDX',
  totalReserve: 1000523419.87,
  totalToken: 1000000000.0,
  timestamp: '2026-05-01T11:30:00Z',
  ripcord: false,
  ripcordDetails: [],
  ...overrides,
})

/** Harris & Trotter style: ripcordDetails is an object of booleans. */
const harrisTrotterStyle = (details: Record<string, boolean>, ripcord: boolean) => ({
  accountName: 'HKDR',
  totalReserve: '250000000.000000',
  totalToken: '249998765.432100',
  timestamp: '2026-05-01T10:00:00+08:00',
  ripcord,
  ripcordDetails: {
    insufficient_balance: false,
    source_failure: false,
    external_intervention: false,
    ...details,
  },
})

/** 20 significant digits, beyond what a float holds (JSON.parse gives 12345678901234568). */
export const LOSSLESS_BODY =
  '{"accountName":"Big Trust","totalReserve":12345678901234567.891,"totalToken":"98765432109876543.210",' +
  '"timestamp":"2026-05-01T11:00:00Z","ripcord":false,"ripcordDetails":[]}'

/** A signed body, pretty-printed: the signature covers these exact bytes, whitespace included. */
export const SIGNED_BODY = `{
  "accountName": "USDX",
  "totalReserve": "1000523419.87",
  "totalToken": "1000000000.00",
  "timestamp": "2026-05-01T11:30:00Z",
  "ripcord": false,
  "ripcordDetails": []
}
`
/** The same body with the reserve changed after signing. */
export const ALTERED_BODY = SIGNED_BODY.replace('"1000523419.87"', '"2000523419.87"')

export async function buildFixtures(): Promise<Record<string, NockDefinition[]>> {
  const signature = await AUDITOR.signMessage(toUtf8Bytes(SIGNED_BODY))
  const impostorSignature = await IMPOSTOR.signMessage(toUtf8Bytes(SIGNED_BODY))
  const sig = (value: string) => ({ 'x-attestation-signature': value })
  return {
    'tusd-style': json('/tusd-style', tusdStyle()),
    'network-firm-style': json('/network-firm-style', networkFirmStyle()),
    'network-firm-strings': json('/network-firm-strings', {
      accountName: 'USDX',
      totalReserve: '1000523419.87',
      totalToken: '1000000000.00',
      timestamp: '2026-05-01T11:30:00.000Z',
      ripcord: 'false',
    }),
    'harris-trotter-style': json('/harris-trotter-style', harrisTrotterStyle({}, false)),
    lossless: exact('/lossless', LOSSLESS_BODY),

    'ripcord-list': json(
      '/ripcord-list',
      tusdStyle({
        ripcord: true,
        ripcordDetails: ['Bank balance feed unavailable', 'Reconciliation pending'],
      }),
    ),
    'ripcord-object': json(
      '/ripcord-object',
      harrisTrotterStyle({ insufficient_balance: true, source_failure: true }, true),
    ),
    'ripcord-flag-only': json(
      '/ripcord-flag-only',
      harrisTrotterStyle({ external_intervention: true }, false),
    ),
    // The same client as tusd-style, now with the ripcord raised.
    'tusd-style-ripcord': json(
      '/tusd-style',
      tusdStyle({ ripcord: true, ripcordDetails: ['Bank balance feed unavailable'] }),
    ),

    stale: json('/stale', networkFirmStyle({ timestamp: '2026-04-29T11:00:00Z' })),
    future: json('/future', networkFirmStyle({ timestamp: '2026-05-01T12:30:00Z' })),
    'missing-field': json('/missing-field', networkFirmStyle({ totalReserve: undefined })),
    'non-numeric': json('/non-numeric', networkFirmStyle({ totalReserve: '1,000,523,419.87' })),
    negative: json('/negative', networkFirmStyle({ totalReserve: -5.0 })),
    'no-time': json('/no-time', networkFirmStyle({ timestamp: undefined })),

    signed: exact('/signed', SIGNED_BODY, sig(signature)),
    'signed-wrong-signer': exact('/signed-wrong-signer', SIGNED_BODY, sig(impostorSignature)),
    'signed-missing': exact('/signed-missing', SIGNED_BODY),
    'signed-altered': exact('/signed-altered', ALTERED_BODY, sig(signature)),

    // Answers only a request that carries the API key.
    'api-key': json('/api-key', networkFirmStyle()).map((d) => ({
      ...d,
      reqheaders: { 'x-api-key': API_KEY },
    })),

    'server-error': raw('/server-error', 500, 'Internal Server Error', 'text/plain'),
    'not-found': raw('/not-found', 404, '{"message":"client not found"}', 'application/json'),
    'not-json': raw('/not-json', 200, '<html><body>Down for maintenance</body></html>', 'text/html'),
  }
}
