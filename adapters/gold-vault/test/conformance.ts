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
    // One bar of 10^70 troy ounces: heavier than GOLD_VAULT_MAX_BAR_TROY_OUNCES (and at 8 decimals,
    // about 10^78, beyond the int256 of an on-chain answer).
    const inflated = {
      serial: 'X1',
      refiner: 'Valcambi',
      grossWeight: `1${'0'.repeat(70)}`,
      fineness: '999.9',
      fineWeight: `9999${'0'.repeat(66)}`,
    }
    const custodian = await serveVaultApi({
      london: { name: 'London', unit: 'toz', bars },
      inflated: { name: 'Inflated', unit: 'toz', bars: [inflated] },
    })
    return {
      url: custodian.url,
      sample: { vault: 'london', decimals: 8 },
      expected: '160232800000',
      implausible: { sample: { vault: 'inflated', decimals: 8 }, value: `1${'0'.repeat(70)}` },
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
