/**
 * With no Esplora configured for any chain, the adapter refuses to start, naming the settings:
 * started, it would report healthy and answer every request with a 400 that reads like the
 * caller's fault. (A request for one chain left unconfigured is a 400 naming its setting:
 * adapter.test.ts.)
 */
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'

describe('btc-balance with no Esplora configured', () => {
  it('refuses to start, naming every chain’s setting', async () => {
    const started = startTestAdapter(makeAdapter(), {
      BITCOIN_MAINNET_ESPLORA_URL: undefined,
      BITCOIN_TESTNET_ESPLORA_URL: undefined,
      BITCOIN_SIGNET_ESPLORA_URL: undefined,
      BITCOIN_REGTEST_ESPLORA_URL: undefined,
    })
    try {
      await expect(started).rejects.toThrow(
        'BTC_BALANCE: no provider is configured: set BITCOIN_MAINNET_ESPLORA_URL, BITCOIN_TESTNET_ESPLORA_URL, BITCOIN_SIGNET_ESPLORA_URL, BITCOIN_REGTEST_ESPLORA_URL (at least one)',
      )
    } finally {
      await started.then(stopTestAdapter, () => undefined)
    }
  })

  it('starts with one chain configured', async () => {
    const testAdapter = await startTestAdapter(makeAdapter(), {
      BITCOIN_MAINNET_ESPLORA_URL: undefined,
      BITCOIN_TESTNET_ESPLORA_URL: undefined,
      BITCOIN_SIGNET_ESPLORA_URL: 'http://127.0.0.1:9/',
      BITCOIN_REGTEST_ESPLORA_URL: undefined,
    })
    await stopTestAdapter(testAdapter)
  })
})
