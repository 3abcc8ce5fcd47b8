import { jest } from '@jest/globals'
import { resolve } from 'node:path'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { useFixtures, withFixture } from '#devkit/fixtures'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'

/**
 * Replays the reserves API's answers recorded in fixtures/reserves.json (nock.back, lockdown: no
 * network). To record your provider's: set PROVIDER_URL to it, delete the fixture, then run
 *   NOCK_BACK_MODE=record ADAPTER_TEMPLATE_API_KEY=… npm test -- adapters/adapter-template/test/integration
 */
useFixtures(resolve(import.meta.dirname, 'fixtures'))

const PROVIDER_URL = 'https://reserves.example.com/v1/accounts'
/** The instant the tests run at: 6 hours after the recorded figure's asOf. */
const NOW = Date.parse('2026-05-01T12:00:00Z')

describe('adapter-template adapter', () => {
  let testAdapter: TestAdapter
  let done: () => void

  beforeAll(async () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW)
    testAdapter = await startTestAdapter(makeAdapter(), {
      ADAPTER_TEMPLATE_API_URL: PROVIDER_URL,
      ADAPTER_TEMPLATE_RETRIES: '0',
      BACKGROUND_EXECUTE_MS_HTTP: '20',
    })
  })
  beforeEach(async () => {
    done = await withFixture('reserves')
  })
  afterEach(() => done())
  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    jest.restoreAllMocks()
  })

  const ask = async (data: Record<string, unknown>) => {
    const response = await testAdapter.request(data)
    return { status: response.statusCode, body: response.json() }
  }

  it('reports the reserves × 10^decimals, exactly', async () => {
    expect(await ask({ account: 'acme' })).toEqual({
      status: 200,
      body: {
        result: '1234567891000000000000000',
        data: {
          result: '1234567891000000000000000',
          decimals: 18,
          reserves: '1234567.891',
          asOf: '2026-05-01T06:00:00Z',
        },
        statusCode: 200,
        timestamps: {
          providerDataRequestedUnixMs: NOW,
          providerDataReceivedUnixMs: NOW,
          providerIndicatedTimeUnixMs: Date.parse('2026-05-01T06:00:00Z'),
        },
      },
    })
  })

  it('rounds down to fewer decimals', async () => {
    const { status, body } = await ask({ account: 'acme', decimals: 2 })
    expect([status, body.result]).toEqual([200, '123456789'])
  })

  it('refuses a figure older than the max age with a 502 giving its age', async () => {
    const { status, body } = await ask({ account: 'stale-co' })
    expect(status).toBe(502)
    expect(body.result).toBeUndefined()
    expect(body.errorMessage).toBe(
      'account stale-co: the figure (asOf 2026-04-29T06:00:00Z) is 194400 s (2.3 days) old; the oldest accepted is 86400 s',
    )
  })

  it('refuses a bad account with a 400 naming the field, without asking the provider', async () => {
    const { status, body } = await ask({ account: '../admin' })
    expect(status).toBe(400)
    expect(body.error.message).toMatch(/^account must be an account name/)
  })
})
