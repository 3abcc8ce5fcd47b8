/**
 * The framework labels its metrics with a feed id made of the request's inputs (up to 300
 * characters), one series per distinct request, forever. Here every label is short, and a
 * request's series go when the request has expired.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { metrics } from '@chainlink/external-adapter-framework/metrics'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { stopTestAdapter } from '#devkit/test-adapter'
import { advanceClock, backgroundTicks, resetClock } from '#devkit/clock'
import { startToyAdapter, type ToyTransport } from './toy-adapter'

const SUBSCRIPTION_TTL_MS = 60_000
const CACHE_MAX_AGE_MS = 120_000

/** Every feed_id label value of every framework metric that has one. */
async function feedIds(): Promise<string[]> {
  const ids = new Set<string>()
  for (const metric of Object.values(metrics.getMetricsDefinition() ?? {})) {
    const { values } = await (
      metric as { get(): Promise<{ values: { labels: Record<string, unknown> }[] }> }
    ).get()
    for (const { labels } of values) if (typeof labels.feed_id === 'string') ids.add(labels.feed_id)
  }
  return [...ids].filter((id) => id !== 'N/A')
}

describe('metric labels of requests', () => {
  let testAdapter: TestAdapter
  let transport: ToyTransport

  beforeAll(async () => {
    ;({ testAdapter, transport } = await startToyAdapter({
      METRICS_ENABLED: 'true',
      WARMUP_SUBSCRIPTION_TTL: String(SUBSCRIPTION_TTL_MS),
      CACHE_MAX_AGE: String(CACHE_MAX_AGE_MS),
    }))
  })
  afterAll(async () => {
    resetClock()
    await stopTestAdapter(testAdapter)
    process.env.METRICS_ENABLED = 'false'
  })

  it('are short, one per request, and go once the request has expired', async () => {
    for (let i = 0; i < 5; i++) {
      const data = { name: `request-${i}`.padEnd(250, '.') }
      while ((await testAdapter.request(data)).statusCode !== 200) await backgroundTicks(transport, 1)
      await testAdapter.request(data)
    }
    const live = await feedIds()
    expect(live.length).toBe(5)
    expect(live.filter((id) => id.length > 40)).toEqual([])

    advanceClock(SUBSCRIPTION_TTL_MS + CACHE_MAX_AGE_MS)
    await backgroundTicks(transport, 3)
    expect(await feedIds()).toEqual([])
  })
})
