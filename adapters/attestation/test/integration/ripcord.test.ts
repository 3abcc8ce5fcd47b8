/**
 * A ripcord shows on the next computation that sees it: every answer of that client is
 * withdrawn then, not each at its own next refresh (up to half of CACHE_MAX_AGE later).
 */
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { askUntilComputed } from '#devkit/adapter-server'
import { backgroundTicks, defaultTransport, type BackgroundTransport } from '#devkit/clock'
import { serveAttestationApi, type Attestation } from '#devkit/simulators/attestation'
import type { ApiServer } from '#devkit/simulators/http-api'
import { askTestAdapter, startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'

describe('attestation: the auditor raising the ripcord', () => {
  const usdx: Attestation = { accountName: 'USDX', totalReserve: '1000.5', totalToken: '1000' }
  let auditor: ApiServer
  let adapter: TestAdapter
  let transport: BackgroundTransport

  beforeAll(async () => {
    auditor = await serveAttestationApi({ usdx })
    adapter = await startTestAdapter(makeAdapter(), {
      ATTESTATION_API_URL: auditor.url,
      BACKGROUND_EXECUTE_MS_HTTP: '5',
    })
    transport = defaultTransport(adapter.adapter)
  })
  afterAll(async () => {
    await stopTestAdapter(adapter)
    await auditor.close()
  })

  const ask = (data: Record<string, unknown>) => askTestAdapter(adapter, data)

  it('withdraws every answer of the client as soon as one computation sees it', async () => {
    const reserve = { client: 'usdx', field: 'totalReserve' }
    const supply = { client: 'usdx', field: 'totalToken' }
    expect((await askUntilComputed(() => ask(reserve))).status).toBe(200)
    expect((await askUntilComputed(() => ask(supply))).status).toBe(200)

    usdx.ripcord = true
    usdx.ripcordDetails = ['Bank balance feed unavailable']
    // A new request for the client is computed at once, and sees the ripcord.
    const fresh = await askUntilComputed(() => ask({ client: 'usdx', decimals: 6 }))
    expect([fresh.status, fresh.body?.ripcord]).toEqual([503, true])

    await backgroundTicks(transport, 20)
    for (const data of [reserve, supply]) {
      const answer = await ask(data)
      expect({ status: answer.status, ripcord: answer.body?.ripcord, result: answer.body?.result }).toEqual({
        status: 503,
        ripcord: true,
        result: undefined,
      })
    }
  })
})
