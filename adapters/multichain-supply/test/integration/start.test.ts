/**
 * With no RPC configured for any network, the adapter refuses to start, saying what to set:
 * started, it would report healthy and answer every request with a 400 that reads like the
 * caller's fault. (A request for a network left unconfigured is a 400 naming its settings:
 * adapter.test.ts.)
 */
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'

/** Every `<NETWORK>_RPC_URL` of this process's environment, unset. */
const noRpcUrl = () =>
  Object.fromEntries(
    Object.keys(process.env)
      .filter((name) => name.endsWith('_RPC_URL'))
      .map((n) => [n, undefined]),
  )

describe('multichain-supply with no RPC configured', () => {
  it('refuses to start, saying which settings a network needs', async () => {
    const started = startTestAdapter(makeAdapter(), { ...noRpcUrl(), ETHEREUM_RPC_URL: '  ' })
    try {
      await expect(started).rejects.toThrow(
        /^MULTICHAIN_SUPPLY: no provider is configured: set <NETWORK>_RPC_URL and <NETWORK>_RPC_CHAIN_ID/,
      )
    } finally {
      await started.then(stopTestAdapter, () => undefined)
    }
  })

  it('starts with one network configured', async () => {
    const testAdapter = await startTestAdapter(makeAdapter(), {
      ...noRpcUrl(),
      ETHEREUM_RPC_URL: 'http://127.0.0.1:9/',
      ETHEREUM_RPC_CHAIN_ID: '1',
    })
    await stopTestAdapter(testAdapter)
  })
})
