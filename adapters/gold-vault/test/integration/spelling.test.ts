import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { askUntilComputed } from '#devkit/adapter-server'
import type { ApiServer } from '#devkit/simulators/http-api'
import { serveVaultApi } from '#devkit/simulators/vault'
import { askTestAdapter, startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'

/**
 * The framework lower-cases inputs when it makes cache keys; a vault's name is a URL path, where
 * case matters. Another spelling of a vault is another vault: it is asked of the custodian,
 * never answered with the gold of the first.
 */
describe('gold-vault: a vault spelled in another case', () => {
  let custodian: ApiServer
  let adapter: TestAdapter

  beforeAll(async () => {
    custodian = await serveVaultApi({
      london: {
        name: 'London',
        unit: 'toz',
        bars: [
          {
            serial: 'A1',
            refiner: 'Valcambi',
            grossWeight: '400.000',
            fineness: '999.9',
            fineWeight: '399.960',
          },
        ],
      },
    })
    adapter = await startTestAdapter(makeAdapter(), {
      GOLD_VAULT_API_URL: custodian.url,
      GOLD_VAULT_RETRIES: '0',
      BACKGROUND_EXECUTE_MS_HTTP: '20',
    })
  })
  afterAll(async () => {
    await stopTestAdapter(adapter)
    await custodian.close()
  })

  const ask = (data: Record<string, unknown>) => askTestAdapter(adapter, data)

  it('is read at its own path, not answered with the gold of the vault it differs from by case', async () => {
    const london = await askUntilComputed(() => ask({ vault: 'london', decimals: 3 }))
    expect([london.status, london.body?.result]).toEqual([200, '399960'])

    const other = await askUntilComputed(() => ask({ vault: 'LONDON', decimals: 3 }))
    expect(custodian.requests).toContain('/LONDON')
    expect({ status: other.status, result: other.body?.result }).toEqual({ status: 502, result: undefined })
  })
})
