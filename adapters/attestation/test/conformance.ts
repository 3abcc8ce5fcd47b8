/** What the conformance suite (test/conformance/) needs to know about attestation. */
import { defineConformance } from '#devkit/conformance'
import { serveAttestationApi } from '#devkit/simulators/attestation'
import { MAX_DECIMALS } from '../src/endpoint/reserves-request'

export const conformance = defineConformance({
  output: 'numeric',
  async provider() {
    const auditor = await serveAttestationApi({
      usdx: { accountName: 'USDX', totalReserve: '1000523419.87', totalToken: '1000000000.00' },
      // 10^60: above ATTESTATION_MAX_FIGURE (and at 18 decimals, 10^78, beyond the int256 of an on-chain answer).
      inflated: { accountName: 'Inflated', totalReserve: `1${'0'.repeat(60)}`, totalToken: '1' },
    })
    return {
      url: auditor.url,
      sample: { client: 'usdx', field: 'totalReserve', decimals: 18 },
      expected: '1000523419870000000000000000',
      implausible: { sample: { client: 'inflated', decimals: 18 }, value: `1${'0'.repeat(60)}` },
      close: auditor.close,
    }
  },
  env: (url, timeoutMs) => ({
    ATTESTATION_API_URL: url,
    ATTESTATION_REQUEST_TIMEOUT_MS: String(timeoutMs),
    ATTESTATION_RETRIES: '0',
    ATTESTATION_SIGNER_ADDRESS: undefined,
  }),
  decimals: { field: 'decimals', max: MAX_DECIMALS },
})
