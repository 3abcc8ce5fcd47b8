/** What the conformance suite (test/conformance/) needs to know about btc-balance. */
import { defineConformance } from '#devkit/conformance'
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'

const CUSTODIAN = {
  address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
  network: 'bitcoin',
  chainId: 'mainnet',
}
/** An address the ledger credits with one satoshi more than the 21 million BTC that can exist. */
const INFLATED = { ...CUSTODIAN, address: '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy' }

export const conformance = defineConformance({
  output: 'numeric',
  async provider() {
    const ledger = new EsploraSim()
    ledger.fund(CUSTODIAN.address, 123_456_789n)
    ledger.fund(INFLATED.address, 2_100_000_000_000_001n)
    ledger.mine(6)
    const esplora = await serveEsplora(ledger)
    return {
      url: esplora.url,
      sample: { addresses: [CUSTODIAN], minConfirmations: 6 },
      expected: '123456789',
      implausible: { sample: { addresses: [INFLATED], minConfirmations: 6 }, value: '2100000000000001' },
      close: esplora.close,
    }
  },
  env: (url, timeoutMs) => ({
    BITCOIN_MAINNET_ESPLORA_URL: url,
    ESPLORA_REQUEST_TIMEOUT_MS: String(timeoutMs),
    ESPLORA_RETRIES: '0',
  }),
  list: { field: 'addresses', limit: { setting: 'MAX_ADDRESSES' }, entry: () => CUSTODIAN },
})
