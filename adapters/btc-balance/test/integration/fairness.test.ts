/**
 * One slow provider shared by many requests: a request's share of the provider is capped
 * (ESPLORA_CONCURRENCY_PER_REQUEST), and waiting requests take turns, so a new request is not
 * queued behind every call of those before it.
 */
import { seededAddress } from '#devkit/bitcoin-address'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { backgroundTicks, defaultTransport, type BackgroundTransport } from '#devkit/clock'
import { startFaultProxy, type FaultProxy } from '#devkit/fault-proxy'
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'

const entry = (seed: string) => ({ address: seededAddress(seed), network: 'bitcoin', chainId: 'mainnet' })

describe('btc-balance: a slow provider shared by many requests', () => {
  let esplora: Awaited<ReturnType<typeof serveEsplora>>
  let proxy: FaultProxy
  let testAdapter: TestAdapter
  let transport: BackgroundTransport
  /** Releases of the provider calls held so far, in the order they arrived. */
  const held: (() => void)[] = []
  let released = 0

  beforeAll(async () => {
    const sim = new EsploraSim()
    sim.mine(10)
    esplora = await serveEsplora(sim)
    // Every call is held at the provider until the test releases it.
    proxy = await startFaultProxy(
      esplora.url,
      () => new Promise((resolve) => held.push(() => resolve('forward'))),
    )
    testAdapter = await startTestAdapter(makeAdapter(), {
      BITCOIN_MAINNET_ESPLORA_URL: proxy.url,
      ESPLORA_CONCURRENCY: '2',
      ESPLORA_CONCURRENCY_PER_REQUEST: '1',
      ESPLORA_RETRIES: '0',
      ESPLORA_REQUEST_TIMEOUT_MS: '60000',
      BACKGROUND_EXECUTE_MS_HTTP: '5',
      CACHE_POLLING_MAX_RETRIES: '0',
    })
    transport = defaultTransport(testAdapter.adapter)
  })
  afterAll(async () => {
    while (released < held.length) held[released++]()
    await stopTestAdapter(testAdapter)
    await proxy.close()
    await esplora.close()
  })

  const arrived = async (count: number) => {
    while (proxy.requests.length < count) await backgroundTicks(transport, 1)
  }
  const release = () => held[released++]()

  it('gives a new request its turn while an earlier one still has calls queued', async () => {
    const big = { addresses: Array.from({ length: 20 }, (_, i) => entry(`big-${i}`)), minConfirmations: 1 }
    const small = { addresses: [entry('small')], minConfirmations: 1 }

    expect((await testAdapter.request(big)).statusCode).toBe(504)
    await arrived(1)
    release() // the big request's tip: its 20 address reads queue up
    await arrived(2)
    await backgroundTicks(transport, 5)
    // One request holds at most its share of the provider, though two calls may be in flight.
    expect(proxy.requests.length - released).toBe(1)

    expect((await testAdapter.request(small)).statusCode).toBe(504)
    const smallRead = `/address/${small.addresses[0].address}`
    while (!proxy.requestPaths.includes(smallRead)) {
      if (released < proxy.requests.length) release()
      await backgroundTicks(transport, 1)
    }
    const bigReadsBefore = proxy.requestPaths
      .slice(0, proxy.requestPaths.indexOf(smallRead))
      .filter((path) => path.startsWith('/address/') && path !== smallRead).length
    expect(bigReadsBefore).toBeLessThan(5)
  })
})
