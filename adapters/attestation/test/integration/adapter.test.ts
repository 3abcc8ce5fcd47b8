import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import nock from 'nock'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { toUnits } from '#common/decimal'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { fixtureRecording, useFixtures, withFixture } from '#devkit/fixtures'
import { makeAdapter } from '../../src'
import type { ReservesEndpointTypes } from '../../src/endpoint/reserves'
import type { ReservesTransport } from '../../src/transport/reserves'
import { API_KEY, AUDITOR, FIXTURE_API_URL, FIXTURE_NOW, IMPOSTOR } from '../fixture-data'

/**
 * Replays the fixtures in ./fixtures. Only `recorded.json` comes from a live API, and is
 * recorded again by NOCK_BACK_MODE=update (see the README); every other fixture is built by
 * test/build-fixtures.ts and always replayed, whatever the mode.
 */

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')
useFixtures(FIXTURES)

// Test files run one after another in the same Jest worker, where nock's request interceptor
// is process-wide: left installed, this file's nock would answer every later file's requests
// from its own (emptied) fixtures. Remove it at the end.
afterAll(() => {
  nock.restore()
})

const BASE_ENV: Record<string, string | undefined> = {
  ATTESTATION_API_URL: FIXTURE_API_URL,
  ATTESTATION_API_KEY: undefined,
  ATTESTATION_API_KEY_HEADER: undefined,
  ATTESTATION_MAX_AGE_SECONDS: undefined,
  ATTESTATION_FUTURE_SKEW_SECONDS: undefined,
  ATTESTATION_SIGNER_ADDRESS: undefined,
  ATTESTATION_SIGNATURE_HEADER: undefined,
  ATTESTATION_RETRIES: '0',
  BACKGROUND_EXECUTE_MS_HTTP: '50',
}

/**
 * Builds and starts an adapter with `env`. The framework reads settings when an adapter is
 * constructed, so the environment is set before makeAdapter().
 */
async function start(env: Record<string, string | undefined> = {}): Promise<TestAdapter> {
  const all = { ...BASE_ENV, ...env }
  for (const [key, value] of Object.entries(all)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  return startTestAdapter(makeAdapter(), all)
}

interface Answer {
  status: number
  body: Record<string, unknown> & { data?: Record<string, unknown> }
}

/** One request answered from `fixture` (built fixtures are always replayed, never recorded). */
async function ask(testAdapter: TestAdapter, fixture: string, data: object): Promise<Answer> {
  const done = await withFixture(fixture, { replayOnly: fixture !== 'recorded' })
  try {
    const res = await testAdapter.request(data)
    return { status: res.statusCode, body: res.json() }
  } finally {
    done()
  }
}

const reserve18 = (figure: string) => toUnits(figure, 18, 'down').toString()

describe('attestation adapter', () => {
  let testAdapter: TestAdapter

  beforeAll(async () => {
    jest.spyOn(Date, 'now').mockReturnValue(FIXTURE_NOW)
    testAdapter = await start()
  })
  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    jest.restoreAllMocks()
  })

  describe('response shapes', () => {
    it('TUSD style: totalReserve is read from totalTrust, exactly, at 18 decimals', async () => {
      const answer = await ask(testAdapter, 'tusd-style', { client: 'tusd-style' })
      expect(answer.status).toBe(200)
      expect(answer.body.result).toBe('494619520730000000000000000')
      expect(answer.body.data).toMatchObject({
        result: '494619520730000000000000000',
        decimals: 18,
        ripcord: false,
        field: 'totalTrust',
        figure: '494619520.73',
      })
      expect(answer.body.timestamps).toMatchObject({
        providerIndicatedTimeUnixMs: Date.parse('2026-05-01T11:00:12.345Z'),
      })
      expect(answer).toMatchSnapshot()
    })

    it('TUSD style: totalToken', async () => {
      const answer = await ask(testAdapter, 'tusd-style', { client: 'tusd-style', field: 'totalToken' })
      expect(answer.status).toBe(200)
      expect(answer.body.result).toBe('494522755450000000000000000')
      expect(answer).toMatchSnapshot()
    })

    it('TUSD style: a chain is matched on its label in parentheses, case-insensitively (echoed in upper case)', async () => {
      const token = await ask(testAdapter, 'tusd-style', {
        client: 'tusd-style',
        field: 'totalToken',
        chain: 'tron',
      })
      expect(token.status).toBe(200)
      expect(token.body.result).toBe(reserve18('158021300.12'))
      expect(token.body.data).toMatchObject({ field: 'token[1].totalTokenByChain', chain: 'TRON' })
      expect(token).toMatchSnapshot()

      const reserve = await ask(testAdapter, 'tusd-style', { client: 'tusd-style', chain: 'ETH' })
      expect(reserve.status).toBe(200)
      expect(reserve.body.result).toBe(reserve18('312518259.4'))
      expect(reserve.body.data).toMatchObject({ field: 'token[0].totalTrustByChain' })
    })

    it('TUSD style: a chain label is never matched as a substring', async () => {
      const answer = await ask(testAdapter, 'tusd-style', { client: 'tusd-style', chain: 'BS' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain('no token entry for chain "BS"')
      expect(answer.body.errorMessage).toContain('ETH, TRON, AVAX, BNB, BSC')
      expect(answer.body).not.toHaveProperty('result')
      expect(answer).toMatchSnapshot()
    })

    it('TUSD style: a chain without totalTrustByChain is a 502 naming the field', async () => {
      const answer = await ask(testAdapter, 'tusd-style', { client: 'tusd-style', chain: 'avax' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain('token[2].totalTrustByChain is missing')
      expect(answer).toMatchSnapshot()
    })

    it('The Network Firm style', async () => {
      const answer = await ask(testAdapter, 'network-firm-style', { client: 'network-firm-style' })
      expect(answer.status).toBe(200)
      expect(answer.body.result).toBe(reserve18('1000523419.87'))
      expect(answer.body.data).toMatchObject({ field: 'totalReserve', accountName: 'USDX', ripcord: false })
      expect(answer.body.timestamps).toMatchObject({
        providerIndicatedTimeUnixMs: Date.parse('2026-05-01T11:30:00Z'),
      })
      expect(answer).toMatchSnapshot()
    })

    it('The Network Firm style with numbers (and ripcord) sent as strings', async () => {
      const reserve = await ask(testAdapter, 'network-firm-strings', { client: 'network-firm-strings' })
      expect(reserve.status).toBe(200)
      expect(reserve.body.result).toBe(reserve18('1000523419.87'))
      expect(reserve).toMatchSnapshot()
      const token = await ask(testAdapter, 'network-firm-strings', {
        client: 'network-firm-strings',
        field: 'totalToken',
        decimals: 8,
      })
      expect(token.body.result).toBe('100000000000000000')
      expect(token.body.data).toMatchObject({ decimals: 8, figure: '1000000000.00' })
    })

    it('Harris & Trotter style: ripcordDetails as an object of booleans, time with an offset', async () => {
      const answer = await ask(testAdapter, 'harris-trotter-style', { client: 'harris-trotter-style' })
      expect(answer.status).toBe(200)
      expect(answer.body.result).toBe(reserve18('250000000'))
      expect(answer.body.timestamps).toMatchObject({
        providerIndicatedTimeUnixMs: Date.parse('2026-05-01T02:00:00Z'),
      })
      expect(answer).toMatchSnapshot()
    })

    it('keeps a 20-significant-digit figure digit for digit, and never rounds up', async () => {
      const full = await ask(testAdapter, 'lossless', { client: 'lossless' })
      expect(full.status).toBe(200)
      expect(full.body.result).toBe('12345678901234567891000000000000000')
      expect(full.body.data).toMatchObject({ figure: '12345678901234567.891' })
      expect(full).toMatchSnapshot()

      // 123456789012345678.91 at 1 decimal: rounded down, not to ...679.
      const down = await ask(testAdapter, 'lossless', { client: 'lossless', decimals: 1 })
      expect(down.body.result).toBe('123456789012345678')

      const token = await ask(testAdapter, 'lossless', {
        client: 'lossless',
        field: 'totalToken',
        decimals: 0,
      })
      expect(token.body.result).toBe('98765432109876543')
    })
  })

  describe('ripcord', () => {
    it('raised with a list of details: 503, ripcord true, the details, no result', async () => {
      const answer = await ask(testAdapter, 'ripcord-list', { client: 'ripcord-list' })
      expect(answer.status).toBe(503)
      expect(answer.body).toMatchObject({
        statusCode: 503,
        ripcord: true,
        ripcordDetails: ['Bank balance feed unavailable', 'Reconciliation pending'],
      })
      expect(answer.body).not.toHaveProperty('result')
      expect(answer.body).not.toHaveProperty('data')
      expect(answer).toMatchSnapshot()
    })

    it('raised with an object of booleans: the flags set are the details', async () => {
      const answer = await ask(testAdapter, 'ripcord-object', { client: 'ripcord-object' })
      expect(answer.status).toBe(503)
      expect(answer.body).toMatchObject({
        ripcord: true,
        ripcordDetails: ['insufficient_balance', 'source_failure'],
      })
      expect(answer.body).not.toHaveProperty('result')
      expect(answer).toMatchSnapshot()
    })

    it('a detail flag set while ripcord says false still withholds the figure', async () => {
      const answer = await ask(testAdapter, 'ripcord-flag-only', { client: 'ripcord-flag-only' })
      expect(answer.status).toBe(503)
      expect(answer.body).toMatchObject({ ripcord: true, ripcordDetails: ['external_intervention'] })
      expect(answer.body).not.toHaveProperty('result')
    })

    it('raised after a good answer: the next read withdraws the cached figure at once', async () => {
      const adapter = await start()
      try {
        expect((await ask(adapter, 'tusd-style', { client: 'tusd-style' })).status).toBe(200)
        // The background loop re-reads a subscribed request from time to time: run that re-read
        // now, against an attestation with the ripcord raised. Date.now is frozen, so without
        // the eviction the cached 200 would be served for ever.
        const [[, transport]] = adapter.adapter.endpoints[0].transportRoutes.entries()
        const done = await withFixture('tusd-style-ripcord', { replayOnly: true })
        try {
          await (transport as unknown as ReservesTransport).computeAndCache(
            { client: 'tusd-style', field: 'totalReserve', decimals: 18 },
            adapter.adapter.config.settings as ReservesEndpointTypes['Settings'],
          )
        } finally {
          done()
        }
        const res = await adapter.request({ client: 'tusd-style' })
        expect(res.statusCode).toBe(503)
        expect(res.json()).toMatchObject({ ripcord: true, ripcordDetails: ['Bank balance feed unavailable'] })
        expect(res.json()).not.toHaveProperty('result')
      } finally {
        await stopTestAdapter(adapter)
      }
    })
  })

  describe('age', () => {
    it('an attestation older than ATTESTATION_MAX_AGE_SECONDS is a 502 giving its age', async () => {
      const answer = await ask(testAdapter, 'stale', { client: 'stale' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain('is 176400 s (2.0 days) old; the oldest accepted is 86400 s')
      expect(answer).toMatchSnapshot()
    })

    it('an attestation dated in the future beyond the skew is a 502 giving how far', async () => {
      const answer = await ask(testAdapter, 'future', { client: 'future' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain(
        'is dated 1800 s in the future; the clock skew allowed is 300 s',
      )
      expect(answer).toMatchSnapshot()
    })

    it('maxAgeSeconds tightens the setting', async () => {
      const tight = await ask(testAdapter, 'tusd-style', { client: 'tusd-style', maxAgeSeconds: 1800 })
      expect(tight.status).toBe(502)
      expect(tight.body.errorMessage).toContain('is 3587 s old; the oldest accepted is 1800 s')
      expect(tight).toMatchSnapshot()
      const enough = await ask(testAdapter, 'tusd-style', { client: 'tusd-style', maxAgeSeconds: 3600 })
      expect(enough.status).toBe(200)
    })

    it('maxAgeSeconds never loosens the setting: 400', async () => {
      const answer = await ask(testAdapter, 'tusd-style', { client: 'tusd-style', maxAgeSeconds: 172800 })
      expect(answer.status).toBe(400)
      expect(answer.body).toMatchObject({ status: 'errored', statusCode: 400 })
      expect(JSON.stringify(answer.body.error)).toContain(
        'maxAgeSeconds 172800 is above ATTESTATION_MAX_AGE_SECONDS',
      )
      expect(answer).toMatchSnapshot()
    })

    it('ATTESTATION_MAX_AGE_SECONDS sets the limit', async () => {
      const adapter = await start({ ATTESTATION_MAX_AGE_SECONDS: '600' })
      try {
        const answer = await ask(adapter, 'network-firm-style', { client: 'network-firm-style' })
        expect(answer.status).toBe(502)
        expect(answer.body.errorMessage).toContain('is 1800 s old; the oldest accepted is 600 s')
      } finally {
        await stopTestAdapter(adapter)
      }
    })
  })

  describe('bad figures', () => {
    it.each([
      ['missing-field', 'totalReserve (or totalTrust) is missing'],
      ['non-numeric', 'totalReserve is not a decimal number: "1,000,523,419.87"'],
      ['negative', 'totalReserve is negative: -5'],
      ['no-time', 'the attestation time (updatedAt or timestamp) is missing'],
    ])('%s: 502 naming the field', async (fixture, message) => {
      const answer = await ask(testAdapter, fixture, { client: fixture })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain(message)
      expect(answer.body).not.toHaveProperty('result')
      expect(answer).toMatchSnapshot()
    })
  })

  describe('provider failures', () => {
    it.each([
      ['server-error', 'answered 500 Internal Server Error'],
      ['not-found', 'answered 404 {"message":"client not found"}'],
      ['not-json', 'answered something that is not JSON'],
    ])('%s: 502', async (fixture, message) => {
      const answer = await ask(testAdapter, fixture, { client: fixture })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain(message)
      expect(answer).toMatchSnapshot()
    })

    it('sends ATTESTATION_API_KEY in its header', async () => {
      const withKey = await start({ ATTESTATION_API_KEY: API_KEY })
      try {
        const answer = await ask(withKey, 'api-key', { client: 'api-key' })
        expect(answer.status).toBe(200)
      } finally {
        await stopTestAdapter(withKey)
      }
      // Without the key, the fixture does not answer.
      const answer = await ask(testAdapter, 'api-key', { client: 'api-key' })
      expect(answer.status).toBe(502)
    })
  })

  describe('signed attestations', () => {
    let signed: TestAdapter
    beforeAll(async () => {
      signed = await start({ ATTESTATION_SIGNER_ADDRESS: AUDITOR.address })
    })
    afterAll(async () => {
      await stopTestAdapter(signed)
    })

    it('a valid signature over the exact body: 200, signedBy', async () => {
      const answer = await ask(signed, 'signed', { client: 'signed' })
      expect(answer.status).toBe(200)
      expect(answer.body.result).toBe(reserve18('1000523419.87'))
      expect(answer.body.data).toMatchObject({ signedBy: AUDITOR.address })
      expect(answer).toMatchSnapshot()
    })

    it('signed by another key: 502', async () => {
      const answer = await ask(signed, 'signed-wrong-signer', { client: 'signed-wrong-signer' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain(`it recovers to ${IMPOSTOR.address}`)
      expect(answer).toMatchSnapshot()
    })

    it('no signature header: 502', async () => {
      const answer = await ask(signed, 'signed-missing', { client: 'signed-missing' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain('the response has no x-attestation-signature header')
      expect(answer).toMatchSnapshot()
    })

    it('a body altered after signing: 502, and the altered figure is not reported', async () => {
      const answer = await ask(signed, 'signed-altered', { client: 'signed-altered' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain('does not match the body')
      expect(answer.body).not.toHaveProperty('result')
      expect(answer).toMatchSnapshot()
    })

    it('the signature header name is a setting', async () => {
      const adapter = await start({
        ATTESTATION_SIGNER_ADDRESS: AUDITOR.address,
        ATTESTATION_SIGNATURE_HEADER: 'x-sig',
      })
      try {
        const answer = await ask(adapter, 'signed', { client: 'signed' })
        expect(answer.status).toBe(502)
        expect(answer.body.errorMessage).toContain('no x-sig header')
      } finally {
        await stopTestAdapter(adapter)
      }
    })

    it('without ATTESTATION_SIGNER_ADDRESS no signature is required', async () => {
      const answer = await ask(testAdapter, 'signed-missing', { client: 'signed-missing' })
      expect(answer.status).toBe(200)
    })
  })

  describe('bad input: 400 naming the field', () => {
    it.each([
      ['no client', {}, 'client'],
      ['a client that is not a path segment', { client: '../admin' }, 'client must be'],
      ['an unknown field', { client: 'x', field: 'totalSupply' }, 'field'],
      ['fractional decimals', { client: 'x', decimals: 2.5 }, 'decimals must be an integer'],
      ['too many decimals', { client: 'x', decimals: 40 }, 'decimals must be an integer from 0 to 36'],
      ['an empty chain', { client: 'x', chain: ' ' }, 'chain must be'],
      ['a zero maxAgeSeconds', { client: 'x', maxAgeSeconds: 0 }, 'maxAgeSeconds must be'],
    ])('%s', async (_name, data, message) => {
      const res = await testAdapter.request(data)
      expect(res.statusCode).toBe(400)
      const body = res.json()
      expect(body).toMatchObject({ status: 'errored', statusCode: 400 })
      expect(body.error.message).toContain(message)
      expect({ status: res.statusCode, body }).toMatchSnapshot()
    })
  })
})

describe('a live attestation (re-recordable)', () => {
  // The instant, the API and the client the fixture was recorded at, with and for; the tests
  // below hold for any recording: none names a figure.
  const recording = fixtureRecording(
    'recorded',
    { url: 'ATTESTATION_API_URL', client: 'ATTESTATION_CLIENT' },
    { client: 'truecoin' },
  )
  let testAdapter: TestAdapter
  beforeAll(async () => {
    jest.spyOn(Date, 'now').mockReturnValue(recording.at)
    testAdapter = await start({ ATTESTATION_API_URL: recording.with.url })
  })
  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    jest.restoreAllMocks()
  })

  it('reports the reserve exactly as the auditor wrote it', async () => {
    const answer = await ask(testAdapter, 'recorded', { client: recording.with.client })
    expect(answer.status).toBe(200)
    const data = answer.body.data as { figure: string; result: string; ripcord: boolean }
    expect(answer.body.result).toBe(reserve18(data.figure))
    expect(data.result).toBe(answer.body.result)
    expect(data.ripcord).toBe(false)
    expect(answer.body.timestamps).toMatchObject({ providerDataRequestedUnixMs: recording.at })
  })
})
