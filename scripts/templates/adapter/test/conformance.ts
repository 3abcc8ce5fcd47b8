/** What the conformance suite (test/conformance/) needs to know about adapter-template. */
import { defineConformance } from '#devkit/conformance'
import { serveReservesApi } from '#devkit/simulators/reserves-api'
import { MAX_DECIMALS } from '../src/endpoint/reserves-request'

export const conformance = defineConformance({
  output: 'numeric',
  async provider() {
    // inflated: 10^80, at 18 decimals 10^98, beyond the int256 of an on-chain answer.
    const api = await serveReservesApi({ acme: '1234567.891', inflated: `1${'0'.repeat(80)}` })
    return {
      url: api.url,
      sample: { account: 'acme', decimals: 18 },
      expected: '1234567891000000000000000',
      implausible: { sample: { account: 'inflated', decimals: 18 }, value: `1${'0'.repeat(98)}` },
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
