/**
 * The framework labels its metrics with a feed id made of the request's inputs (up to 300
 * characters), one series per distinct request, forever. Here every label is short, a
 * request's series go when the request has expired, and at most METRICS_FEED_LIMIT requests of
 * an endpoint have series of their own: however many distinct requests are asked, a scrape
 * stays bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { metrics } from '@chainlink/external-adapter-framework/metrics'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { stopTestAdapter } from '#devkit/test-adapter'
import { advanceClock, backgroundTicks, resetClock } from '#devkit/clock'
import { FEED_SWEEP_INTERVAL_MS } from '../transport'
import { startToyAdapter, type ToyInputs, type ToyTransport } from './toy-adapter'

const SUBSCRIPTION_TTL_MS = 60_000
const CACHE_MAX_AGE_MS = 120_000
const FEED_LIMIT = 5

/** Every value of `label` in every framework metric's series. */
async function labelValues(label = 'feed_id'): Promise<string[]> {
  const ids = new Set<string>()
  for (const metric of Object.values(metrics.getMetricsDefinition() ?? {})) {
    const { values } = await (
      metric as { get(): Promise<{ values: { labels: Record<string, unknown> }[] }> }
    ).get()
    for (const { labels } of values) if (typeof labels[label] === 'string') ids.add(labels[label])
  }
  return [...ids].filter((id) => id !== 'N/A').sort()
}
const feedIds = () => labelValues('feed_id')

/** How many series the framework's metrics hold (a histogram's buckets counted once). */
async function seriesCount(): Promise<number> {
  let count = 0
  for (const metric of Object.values(metrics.getMetricsDefinition() ?? {})) {
    const { values } = await (
      metric as { get(): Promise<{ values: { labels: Record<string, unknown> }[] }> }
    ).get()
    count += new Set(values.map(({ labels: { le: _bucket, ...series } }) => JSON.stringify(series))).size
  }
  return count
}

describe('metric labels of requests', () => {
  let testAdapter: TestAdapter
  let transport: ToyTransport

  beforeAll(async () => {
    ;({ testAdapter, transport } = await startToyAdapter({
      METRICS_ENABLED: 'true',
      WARMUP_SUBSCRIPTION_TTL: String(SUBSCRIPTION_TTL_MS),
      CACHE_MAX_AGE: String(CACHE_MAX_AGE_MS),
      METRICS_FEED_LIMIT: String(FEED_LIMIT),
    }))
  })
  afterAll(async () => {
    resetClock()
    await stopTestAdapter(testAdapter)
    process.env.METRICS_ENABLED = 'false'
  })

  /** Asks `data` until it is answered from the cache, then once more. */
  const answered = async (data: Record<string, unknown>) => {
    while ((await testAdapter.request(data)).statusCode !== 200) await backgroundTicks(transport, 1)
    await testAdapter.request(data)
  }
  const expireAll = async () => {
    advanceClock(SUBSCRIPTION_TTL_MS + CACHE_MAX_AGE_MS)
    await backgroundTicks(transport, 3)
  }

  it('are short, one per request, and go once the request has expired', async () => {
    for (let i = 0; i < FEED_LIMIT; i++) await answered({ name: `request-${i}`.padEnd(250, '.') })
    const live = await feedIds()
    expect(live.length).toBe(FEED_LIMIT)
    expect(live.filter((id) => id.length > 40)).toEqual([])

    await expireAll()
    expect(await feedIds()).toEqual([])
  })

  it('are at most METRICS_FEED_LIMIT per endpoint: the requests beyond share `<endpoint>:other`', async () => {
    const distinct = (from: number, to: number) =>
      Promise.all(Array.from({ length: to - from }, (_, i) => answered({ name: `distinct-${from + i}` })))
    await distinct(0, 50)
    const ids = await feedIds()
    expect(ids.length).toBe(FEED_LIMIT + 1)
    expect(ids.filter((id) => !/^toy:[\w-]{16}$/.test(id))).toEqual(['toy:other'])
    // The framework's cache series are labelled with the cache key too: bounded alike.
    expect((await labelValues('participant_id')).length).toBeLessThanOrEqual(FEED_LIMIT + 1)
    const bounded = await seriesCount()
    await distinct(50, 100)
    expect(await seriesCount()).toBe(bounded)

    // Expired, their labels are free for new requests.
    await expireAll()
    expect(await feedIds()).toEqual(['toy:other'])
    for (let i = 0; i < FEED_LIMIT; i++) await answered({ name: `later-${i}` })
    expect((await feedIds()).filter((id) => id !== 'toy:other').length).toBe(FEED_LIMIT)
    await expireAll()
  })

  it('of requests answered but never computed here (a reader’s) go once they are no longer asked', async () => {
    const label = (name: string) => transport.feedLabel({ name } as ToyInputs)
    expect(Array.from({ length: FEED_LIMIT + 1 }, (_, i) => label(`read-${i}`).own)).toEqual([
      ...Array.from({ length: FEED_LIMIT }, () => true),
      false,
    ])
    advanceClock(SUBSCRIPTION_TTL_MS + CACHE_MAX_AGE_MS + FEED_SWEEP_INTERVAL_MS)
    label('sweeper')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(label('read-new').own).toBe(true)
  })
})
