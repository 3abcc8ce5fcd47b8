/**
 * The auditor's 404 for an unknown client is an answer: it is not asked again every 5 s for as
 * long as the caller's subscription lives.
 */
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { askUntilComputed } from '#devkit/adapter-server'
import {
  advanceClock,
  backgroundTicks,
  defaultTransport,
  resetClock,
  type BackgroundTransport,
} from '#devkit/clock'
import { serveAttestationApi } from '#devkit/simulators/attestation'
import type { ApiServer } from '#devkit/simulators/http-api'
import { askTestAdapter, startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'

describe('attestation: a client the auditor does not know', () => {
  let auditor: ApiServer
  let adapter: TestAdapter
  let transport: BackgroundTransport

  beforeAll(async () => {
    auditor = await serveAttestationApi({})
    adapter = await startTestAdapter(makeAdapter(), {
      ATTESTATION_API_URL: auditor.url,
      BACKGROUND_EXECUTE_MS_HTTP: '5',
    })
    transport = defaultTransport(adapter.adapter)
  })
  afterAll(async () => {
    resetClock()
    await stopTestAdapter(adapter)
    await auditor.close()
  })

  it('is asked of the auditor once over a minute, not every 5 s', async () => {
    const answer = await askUntilComputed(() => askTestAdapter(adapter, { client: 'ghost' }))
    expect(answer.status).toBe(502)
    for (let second = 1; second <= 60; second++) {
      advanceClock(1_000)
      await backgroundTicks(transport, 2)
    }
    expect(auditor.requests.filter((path) => path === '/ghost')).toHaveLength(1)
  })
})
