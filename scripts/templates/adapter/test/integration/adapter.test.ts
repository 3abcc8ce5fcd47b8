import { jest } from '@jest/globals'
import { resolve } from 'node:path'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { fixtureRecording, useFixtures, withFixture } from '#devkit/fixtures'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'

/**
 * Replays the reserves API's answers recorded in fixtures/reserves.json (nock, lockdown: no
 * network). The fixture says when it was recorded and from which URL: the tests run at that
 * instant, against that URL. Every test adds its requests to the one fixture. Record it again
 * from a live API (the README's "Tests" section) with
 *   NOCK_BACK_MODE=update ADAPTER_TEMPLATE_API_URL=https://… npm run test:adapter -- adapter-template
 */
useFixtures(resolve(import.meta.dirname, 'fixtures'))
const recording = fixtureRecording('reserves', { url: 'ADAPTER_TEMPLATE_API_URL' })

describe('adapter-template adapter', () => {
  let testAdapter: TestAdapter
  let done: () => void

  beforeAll(async () => {
    jest.spyOn(Date, 'now').mockReturnValue(recording.at)
    testAdapter = await startTestAdapter(makeAdapter(), {
      ADAPTER_TEMPLATE_API_URL: recording.with.url,
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
    const { status, body } = await ask({ account: 'acme' })
    expect({ status, body }).toEqual({
      status: 200,
      body: {
        result: '1234567891000000000000000',
        data: {
          result: '1234567891000000000000000',
          decimals: 18,
          reserves: '1234567.891',
          asOf: expect.any(String),
        },
        statusCode: 200,
        timestamps: {
          providerDataRequestedUnixMs: recording.at,
          providerDataReceivedUnixMs: recording.at,
          providerIndicatedTimeUnixMs: Date.parse(body.data.asOf),
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
    expect(body.errorMessage).toMatch(
      /^account stale-co: the figure \(asOf \S+\) is \d+ s \([\d.]+ days\) old; the oldest accepted is 86400 s$/,
    )
  })

  it('refuses a bad account with a 400 naming the field, without asking the provider', async () => {
    const { status, body } = await ask({ account: '../admin' })
    expect(status).toBe(400)
    expect(body.error.message).toMatch(/^account must be an account name/)
  })
})
