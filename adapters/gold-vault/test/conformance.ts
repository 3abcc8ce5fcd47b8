/** What the conformance suite (test/conformance/) needs to know about gold-vault. */
import { defineConformance } from '#devkit/conformance'
import { serveVaultApi } from '#devkit/simulators/vault'
import { MAX_DECIMALS, MAX_VAULTS } from '../src/endpoint/inventory-request'
import { BARS } from './fixture-data'

export const conformance = defineConformance({
  output: 'numeric',
  async provider() {
    // LBMA Good Delivery bars in troy ounces: 1602.328 oz fine.
    const bars = BARS.map((bar) => ({
      serial: bar.serial,
      refiner: bar.refiner,
      grossWeight: bar.gross[0],
      fineness: bar.fineness,
      fineWeight: bar.fine[0],
    }))
    const custodian = await serveVaultApi({ london: { name: 'London', unit: 'toz', bars } })
    return {
      url: custodian.url,
      sample: { vault: 'london', decimals: 8 },
      expected: '160232800000',
      close: custodian.close,
    }
  },
  env: (url, timeoutMs) => ({
    GOLD_VAULT_API_URL: url,
    GOLD_VAULT_REQUEST_TIMEOUT_MS: String(timeoutMs),
    GOLD_VAULT_RETRIES: '0',
  }),
  decimals: { field: 'decimals', max: MAX_DECIMALS },
  list: { field: 'vault', limit: MAX_VAULTS, separator: ',', entry: (i) => `vault-${i}` },
})
