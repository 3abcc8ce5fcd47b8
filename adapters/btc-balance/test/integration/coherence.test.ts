/**
 * One chain state per answer, through the adapter, against loopback Esplora providers: a second
 * provider far behind the first never lends its balances to the first one's height, and a
 * provider whose chain cannot answer a valid request is the provider's fault (a 5xx, asked
 * again on the retry schedule), not the caller's, and a provider stuck hours back is refused:
 * its tip is not fresh.
 */
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { advanceClock, backgroundTicks, defaultTransport, resetClock } from '#devkit/clock'
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'
import { askUntilComputed } from '#devkit/adapter-server'
import { askTestAdapter, startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'

const A = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'
const request = { addresses: [{ address: A, network: 'bitcoin', chainId: 'mainnet' }], minConfirmations: 6 }
const RETRY_FAILED_AFTER_MS = 5_000

type Server = Awaited<ReturnType<typeof serveEsplora>>

/** The adapter's answer to `data` once computed (the framework answers 504 until then). */
const computed = (testAdapter: TestAdapter, data: Record<string, unknown>) =>
  askUntilComputed(() => askTestAdapter(testAdapter, data))

async function start(urls: string): Promise<TestAdapter> {
  return startTestAdapter(makeAdapter(), {
    BITCOIN_MAINNET_ESPLORA_URL: urls,
    ESPLORA_RETRIES: '0',
    RETRY_FAILED_AFTER_MS: String(RETRY_FAILED_AFTER_MS),
    BACKGROUND_EXECUTE_MS_HTTP: '5',
  })
}

describe('btc-balance: the first provider fails on addresses, the second is 60 blocks behind', () => {
  let servers: Server[]
  let testAdapter: TestAdapter

  beforeAll(async () => {
    const primary = new EsploraSim() // tip 100: A has held 5 BTC since block 51
    primary.mine(50)
    primary.fund(A, 500_000_000n)
    primary.mine(49)
    const lagging = new EsploraSim() // the same chain at block 40: A holds nothing there yet
    lagging.mine(40)
    servers = [
      await serveEsplora(primary, { fault: (path) => (path.startsWith('/address/') ? 503 : undefined) }),
      await serveEsplora(lagging),
    ]
    testAdapter = await start(servers.map((s) => s.url).join(','))
  })
  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    await Promise.all(servers.map((s) => s.close()))
  })

  it("answers 502 naming both providers, never the second one's balance at the first one's height", async () => {
    const { status, body: json } = await computed(testAdapter, request)
    const [first, second] = servers.map((s) => new URL(s.url).host)
    expect({ status, result: json?.result }).toEqual({ status: 502, result: undefined })
    expect(json?.errorMessage).toContain(`no provider could serve height 95 (the tip 100 of`)
    expect(json?.errorMessage).toContain(`#1 (${first}) answered 503`)
    expect(json?.errorMessage).toContain(`#2 (${second}) is at height 40, below 95`)
  })
})

describe('btc-balance: a provider still syncing (tip 0)', () => {
  let sim: EsploraSim
  let server: Server
  let testAdapter: TestAdapter

  beforeAll(async () => {
    sim = new EsploraSim()
    server = await serveEsplora(sim)
    testAdapter = await start(server.url)
  })
  afterAll(async () => {
    resetClock()
    await stopTestAdapter(testAdapter)
    await server.close()
  })

  it('is a 502 naming the provider, asked again on the retry schedule until it has caught up', async () => {
    const { status, body } = await computed(testAdapter, request)
    expect({ status, message: body?.errorMessage }).toEqual({
      status: 502,
      message: expect.stringMatching(
        /^BITCOIN_MAINNET_ESPLORA_URL #1 \(127\.0\.0\.1:\d+\) is at height 0: 1 blocks, fewer than minConfirmations 6$/,
      ),
    })
    sim.fund(A, 70_000n)
    sim.mine(5)
    // A failure that is the provider's is computed again after RETRY_FAILED_AFTER_MS, not at the
    // next refresh (CACHE_MAX_AGE / 2, 3 minutes), as a 400 would be.
    const transport = defaultTransport(testAdapter.adapter)
    advanceClock(RETRY_FAILED_AFTER_MS)
    let after = await computed(testAdapter, request)
    for (let tick = 0; tick < 100 && after.status !== 200; tick++) {
      await backgroundTicks(transport, 1)
      after = await computed(testAdapter, request)
    }
    expect({ status: after.status, result: after.body?.result }).toEqual({ status: 200, result: '70000' })
  })
})

describe('btc-balance: a provider stuck 4 hours back', () => {
  // Its chain stopped 4 hours ago: every block it has is that old.
  const stoppedAt = Math.floor(Date.now() / 1000) - 4 * 3600
  let server: Server

  beforeAll(async () => {
    const stuck = new EsploraSim({ now: () => stoppedAt })
    stuck.mine(50)
    stuck.fund(A, 500_000_000n)
    stuck.mine(49)
    server = await serveEsplora(stuck)
  })
  afterAll(async () => {
    delete process.env.BITCOIN_MAINNET_ESPLORA_MAX_TIP_AGE_SECONDS
    await server.close()
  })

  /** The adapter's answer with BITCOIN_MAINNET_ESPLORA_MAX_TIP_AGE_SECONDS `maxTipAge` (undefined: the default). */
  async function answer(maxTipAge?: string) {
    const testAdapter = await startTestAdapter(makeAdapter(), {
      BITCOIN_MAINNET_ESPLORA_URL: server.url,
      BITCOIN_MAINNET_ESPLORA_MAX_TIP_AGE_SECONDS: maxTipAge,
      ESPLORA_RETRIES: '0',
      BACKGROUND_EXECUTE_MS_HTTP: '5',
    })
    try {
      return await computed(testAdapter, request)
    } finally {
      await stopTestAdapter(testAdapter)
    }
  }

  it('answers 502 naming the provider, its tip block, its age and the setting: never a reserve 4 hours old', async () => {
    const { status, body } = await answer()
    expect({ status, result: body?.result }).toEqual({ status: 502, result: undefined })
    const made = new Date(stoppedAt * 1000).toISOString()
    expect(body?.errorMessage).toMatch(
      new RegExp(
        `^no BITCOIN_MAINNET_ESPLORA_URL provider has a fresh tip \\(#1 \\(127\\.0\\.0\\.1:\\d+\\): its tip, ` +
          `block 100 of ${made.replace(/\./g, '\\.')}, is \\d+ s old, more than BITCOIN_MAINNET_ESPLORA_MAX_TIP_AGE_SECONDS \\(10800\\)\\)$`,
      ),
    )
  })

  it('answers at that tip, and says when it was mined, where the operator allows a tip that old', async () => {
    const { status, body } = await answer(String(6 * 3600))
    expect({ status, result: body?.result }).toEqual({ status: 200, result: '500000000' })
    expect(body?.data).toMatchObject({ tipHeight: 100, height: 95, tipTimestamp: stoppedAt })
    expect(body?.timestamps).toMatchObject({ providerIndicatedTimeUnixMs: stoppedAt * 1000 })
  })
})
