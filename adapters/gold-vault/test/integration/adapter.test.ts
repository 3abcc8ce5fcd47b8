import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import nock from 'nock'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { fixtureRecording, useFixtures, withFixture } from '#devkit/fixtures'
import { makeAdapter } from '../../src'
import { API_KEY, FIXTURE_API_URL, FIXTURE_NOW } from '../fixture-data'

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
  GOLD_VAULT_API_URL: FIXTURE_API_URL,
  GOLD_VAULT_API_KEY: undefined,
  GOLD_VAULT_API_KEY_HEADER: undefined,
  GOLD_VAULT_MAX_AGE_SECONDS: undefined,
  GOLD_VAULT_FUTURE_SKEW_SECONDS: undefined,
  GOLD_VAULT_MIN_FINENESS: undefined,
  GOLD_VAULT_MAX_FINENESS: undefined,
  GOLD_VAULT_RETRIES: '0',
  BACKGROUND_EXECUTE_MS_HTTP: '50',
}

/** Builds and starts an adapter with `env` (set before the adapter reads its settings). */
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
  body: Record<string, unknown> & { data?: Record<string, unknown> & { vaults?: Record<string, unknown>[] } }
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

/** 1602.328 troy oz at 8 decimals. */
const TOTAL = '160232800000'

describe('gold-vault adapter', () => {
  let testAdapter: TestAdapter

  beforeAll(async () => {
    jest.spyOn(Date, 'now').mockReturnValue(FIXTURE_NOW)
    testAdapter = await start()
  })
  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    jest.restoreAllMocks()
  })

  describe('sources', () => {
    it('a JSON bar list in troy ounces', async () => {
      const answer = await ask(testAdapter, 'bars-toz', { vault: 'bars-toz' })
      expect(answer.status).toBe(200)
      expect(answer.body.result).toBe(TOTAL)
      expect(answer.body.data).toMatchObject({
        result: TOTAL,
        decimals: 8,
        unit: 'toz',
        fineTroyOunces: '1602.328',
        bars: 4,
        asOf: '2026-05-01T06:00:00Z',
      })
      expect(answer.body.timestamps).toMatchObject({
        providerIndicatedTimeUnixMs: Date.parse('2026-05-01T06:00:00Z'),
      })
      expect(answer).toMatchSnapshot()
    })

    it('grams, kilograms and troy ounces give the same total', async () => {
      const grams = await ask(testAdapter, 'bars-g', { vault: 'bars-g' })
      const kilograms = await ask(testAdapter, 'bars-kg', { vault: 'bars-kg' })
      expect(grams.status).toBe(200)
      expect(kilograms.status).toBe(200)
      expect(grams.body.result).toBe(TOTAL)
      expect(kilograms.body.result).toBe(TOTAL)
      expect(grams).toMatchSnapshot()
    })

    it('the LBMA CSV weight list gives the same total as the JSON list', async () => {
      const answer = await ask(testAdapter, 'bars-csv', { vault: 'bars-csv' })
      expect(answer.status).toBe(200)
      expect(answer.body.result).toBe(TOTAL)
      expect(answer.body.data).toMatchObject({ bars: 4, asOf: '2026-05-01T06:00:00.000Z' })
      expect(answer.body.data?.vaults?.[0]).toMatchObject({ format: 'csv' })
      expect(answer).toMatchSnapshot()
    })

    it('a grams summary, converted exactly and rounded down', async () => {
      const answer = await ask(testAdapter, 'summary', { vault: 'summary' })
      expect(answer.status).toBe(200)
      // 91571.93 g / 31.1034768 g/oz = 2944.105914230141628… oz
      expect(answer.body.result).toBe('294410591423')
      expect(answer.body.data).toMatchObject({ bars: null, asOf: null })
      expect(answer).toMatchSnapshot()
      // At 12 decimals the next digit is 6: rounding to nearest would give …142.
      const fine = await ask(testAdapter, 'summary', { vault: 'summary', decimals: 12 })
      expect(fine.body.result).toBe('2944105914230141')
    })

    it('several vaults: per-vault totals and the sum', async () => {
      const answer = await ask(testAdapter, 'multi', { vault: 'london,zurich' })
      expect(answer.status).toBe(200)
      expect(answer.body.result).toBe(TOTAL)
      expect(answer.body.data?.vaults).toEqual([
        expect.objectContaining({ vault: 'london', format: 'json', bars: 2, fineTroyOunces: '799.899' }),
        expect.objectContaining({ vault: 'zurich', format: 'csv', bars: 2, fineTroyOunces: '802.429' }),
      ])
      expect(answer).toMatchSnapshot()
    })

    it('format forces the reading: a JSON bar list read as a summary is a 502', async () => {
      const answer = await ask(testAdapter, 'bars-toz', { vault: 'bars-toz', format: 'summary' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain('vault bars-toz: grams_locked is missing')
      const asJson = await ask(testAdapter, 'bars-toz', { vault: 'bars-toz', format: 'json', decimals: 3 })
      expect(asJson.body.result).toBe('1602328')
    })

    it('neither a bar list nor a summary: 502', async () => {
      const answer = await ask(testAdapter, 'not-a-bar-list', { vault: 'not-a-bar-list' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain('neither a bar list (bars) nor a summary (grams_locked)')
      expect(answer).toMatchSnapshot()
    })
  })

  describe('bar validation: 502 naming the bar', () => {
    it.each([
      [
        'duplicate',
        'duplicate',
        'bar Pamp SA k54321 is listed twice: vault duplicate bars[1] and vault duplicate bars[4]',
      ],
      [
        'duplicate-across-vaults',
        'dup-a,dup-b',
        'bar PAMP SA K54321 is listed twice: vault dup-a bars[1] and vault dup-b line 2',
      ],
      [
        'inconsistent',
        'inconsistent',
        'bar Valcambi SA AB12345 (bars[0]): fine weight 399.54 toz disagrees with gross 401.125 × fineness 995.8 / 1000 = 399.440275 toz by more than the LBMA rounding of 0.001 oz',
      ],
      [
        'fineness-low',
        'fineness-low',
        'bar Argor-Heraeus SA 19-7788 (bars[2]): fineness 990 is outside 995–999.9 parts per thousand',
      ],
    ])('%s', async (fixture, vault, message) => {
      const answer = await ask(testAdapter, fixture, { vault })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain(message)
      expect(answer.body).not.toHaveProperty('result')
      expect(answer).toMatchSnapshot()
    })

    it('the fineness bounds are settings', async () => {
      const adapter = await start({ GOLD_VAULT_MIN_FINENESS: '990.0' })
      try {
        const answer = await ask(adapter, 'fineness-low', { vault: 'fineness-low' })
        expect(answer.status).toBe(200)
        expect(answer.body.data).toMatchObject({ fineTroyOunces: '1598.529' })
      } finally {
        await stopTestAdapter(adapter)
      }
    })
  })

  describe('age', () => {
    it('a bar list older than GOLD_VAULT_MAX_AGE_SECONDS: 502 giving its age', async () => {
      const answer = await ask(testAdapter, 'stale', { vault: 'stale' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain(
        'vault stale: the bar list (asOf 2026-04-29T06:00:00Z) is 194400 s (2.3 days) old; the oldest accepted is 86400 s',
      )
      expect(answer).toMatchSnapshot()
    })

    it('a bar list dated in the future beyond the skew: 502', async () => {
      const answer = await ask(testAdapter, 'future', { vault: 'future' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain('is dated 3600 s (1.0 h) in the future')
      expect(answer).toMatchSnapshot()
    })

    it('a CSV bar list without a Last-Modified date: 502', async () => {
      const answer = await ask(testAdapter, 'csv-undated', { vault: 'csv-undated' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain(
        'dated by its Last-Modified header, and the response has none',
      )
      expect(answer).toMatchSnapshot()
    })

    it('GOLD_VAULT_MAX_AGE_SECONDS sets the limit', async () => {
      const adapter = await start({ GOLD_VAULT_MAX_AGE_SECONDS: '3600' })
      try {
        const answer = await ask(adapter, 'bars-csv', { vault: 'bars-csv' })
        expect(answer.status).toBe(502)
        expect(answer.body.errorMessage).toContain(
          'the bar list (the Last-Modified header 2026-05-01T06:00:00.000Z) is 21600 s (6.0 h) old',
        )
      } finally {
        await stopTestAdapter(adapter)
      }
    })
  })

  describe('provider', () => {
    it('a failing custodian API: 502', async () => {
      const answer = await ask(testAdapter, 'server-error', { vault: 'server-error' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain('answered 503 Service Unavailable')
      expect(answer).toMatchSnapshot()
    })

    it('one unreadable vault fails the whole answer', async () => {
      const answer = await ask(testAdapter, 'multi', { vault: 'london,zurich,geneva' })
      expect(answer.status).toBe(502)
      expect(answer.body.errorMessage).toContain('vault geneva')
      expect(answer.body).not.toHaveProperty('result')
    })

    it('sends GOLD_VAULT_API_KEY in its header', async () => {
      const adapter = await start({ GOLD_VAULT_API_KEY: API_KEY })
      try {
        expect((await ask(adapter, 'api-key', { vault: 'api-key' })).status).toBe(200)
      } finally {
        await stopTestAdapter(adapter)
      }
      expect((await ask(testAdapter, 'api-key', { vault: 'api-key' })).status).toBe(502)
    })
  })

  describe('bad input: 400 naming the field', () => {
    it.each([
      ['no vault', {}, '[Param: vault]'],
      ['a vault that is not a path segment', { vault: 'a/../b' }, 'vault must be'],
      ['an empty vault in a list', { vault: 'london,,zurich' }, 'vault must be'],
      ['a vault twice', { vault: 'london,zurich,london' }, 'vault lists london twice'],
      ['an unknown format', { vault: 'london', format: 'xml' }, '[Param: format]'],
      ['fractional decimals', { vault: 'london', decimals: 0.5 }, 'decimals must be an integer'],
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

describe('a live bar list (re-recordable)', () => {
  // The instant, the API and the vault the fixture was recorded at, from and for; the tests
  // below hold for any recording: none names a figure.
  const recording = fixtureRecording(
    'recorded',
    { url: 'GOLD_VAULT_API_URL', vault: 'GOLD_VAULT_VAULT' },
    { vault: 'london' },
  )
  let testAdapter: TestAdapter
  beforeAll(async () => {
    jest.spyOn(Date, 'now').mockReturnValue(recording.at)
    testAdapter = await start({ GOLD_VAULT_API_URL: recording.with.url })
  })
  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    jest.restoreAllMocks()
  })

  it('reports the fine gold of every bar', async () => {
    const answer = await ask(testAdapter, 'recorded', { vault: recording.with.vault })
    expect(answer.status).toBe(200)
    const data = answer.body.data as { result: string; bars: number | null; vaults: { result: string }[] }
    expect(answer.body.result).toMatch(/^\d+$/)
    expect(data.result).toBe(answer.body.result)
    expect(data.vaults[0].result).toBe(answer.body.result)
    expect(answer.body.timestamps).toMatchObject({ providerDataRequestedUnixMs: recording.at })
  })
})
