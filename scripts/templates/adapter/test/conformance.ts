/** What the conformance suite (test/conformance/) needs to know about adapter-template. */
import { defineConformance } from '#devkit/conformance'
import { serveReservesApi } from '#devkit/simulators/reserves-api'
import { MAX_DECIMALS } from '../src/endpoint/reserves-request'

export const conformance = defineConformance({
  output: 'numeric',
  async provider() {
    const api = await serveReservesApi({ acme: '1234567.891' })
    return {
      url: api.url,
      sample: { account: 'acme', decimals: 18 },
      expected: '1234567891000000000000000',
      close: api.close,
    }
  },
  env: (url, timeoutMs) => ({
    ADAPTER_TEMPLATE_API_URL: url,
    ADAPTER_TEMPLATE_REQUEST_TIMEOUT_MS: String(timeoutMs),
    ADAPTER_TEMPLATE_RETRIES: '0',
  }),
  decimals: { field: 'decimals', max: MAX_DECIMALS },
})
