import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { askUntilComputed } from '#devkit/adapter-server'
import { serveAttestationApi } from '#devkit/simulators/attestation'
import type { ApiServer } from '#devkit/simulators/http-api'
import { askTestAdapter, startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'

/**
 * The framework lower-cases inputs when it makes cache keys; an auditor's client names are URL
 * paths, where case matters. Another spelling of a client is another client: it is asked of the
 * auditor, never answered with the figure of the first.
 */
describe('attestation: a client spelled in another case', () => {
  let auditor: ApiServer
  let adapter: TestAdapter

  beforeAll(async () => {
    auditor = await serveAttestationApi({
      usdx: { accountName: 'USDX', totalReserve: '1000.5', totalToken: '1000' },
    })
    adapter = await startTestAdapter(makeAdapter(), {
      ATTESTATION_API_URL: auditor.url,
      ATTESTATION_RETRIES: '0',
      BACKGROUND_EXECUTE_MS_HTTP: '20',
    })
  })
  afterAll(async () => {
    await stopTestAdapter(adapter)
    await auditor.close()
  })

  const ask = (data: Record<string, unknown>) => askTestAdapter(adapter, data)

  it('is read at its own path, not answered with the figure of the client it differs from by case', async () => {
    const usdx = await askUntilComputed(() => ask({ client: 'usdx', decimals: 2 }))
    expect([usdx.status, usdx.body?.result]).toEqual([200, '100050'])

    const other = await askUntilComputed(() => ask({ client: 'USDX', decimals: 2 }))
    expect(auditor.requests).toContain('/USDX')
    expect({ status: other.status, result: other.body?.result }).toEqual({ status: 502, result: undefined })

    const again = await ask({ client: 'usdx', decimals: 2 })
    expect([again.status, again.body?.result]).toEqual([200, '100050'])
  })
})
