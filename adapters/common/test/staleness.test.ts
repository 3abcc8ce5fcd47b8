/**
 * A figure served after its provider started failing is visible: each failure is logged (at
 * most once a minute per request, with a count), saying which figure is served meanwhile, and
 * the reserve_stale_requests / reserve_oldest_figure_age_seconds gauges say how many requests
 * are served stale and for how long. Once the figure has expired, the request stays visible
 * (reserve_unserved_requests, its age still growing) until it recovers.
 */
import { describe, expect, it } from '@jest/globals'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { advanceClock, backgroundTicks } from '#devkit/clock'
import { logMark, logsSince } from '#devkit/logs'
import { providerError } from '../errors'
import { useToyAdapterWithMetrics } from './toy-adapter'

/** The value of metric `name` for the toy endpoint, as Prometheus scrapes it. */
async function scraped(testAdapter: TestAdapter, name: string): Promise<number | undefined> {
  const text = (await testAdapter.metricsApi!.inject({ method: 'GET', url: '/metrics' })).body
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('adapter_endpoint="toy"'))
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

describe('a figure served while its provider fails', () => {
  const toy = useToyAdapterWithMetrics()
  const request = { name: 'steady' }

  const step = async (seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      advanceClock(1_000)
      await backgroundTicks(toy.transport, 2)
    }
  }

  it('is logged, rate-limited, and shown by the staleness gauges', async () => {
    let response = await toy.testAdapter.request(request)
    while (response.statusCode !== 200) response = await toy.testAdapter.request(request)
    await step(1)
    expect(await scraped(toy.testAdapter, 'reserve_stale_requests')).toBe(0)

    toy.transport.outcome = async () => {
      throw providerError('the provider is down')
    }
    const mark = logMark()
    // The refresh at half of CACHE_MAX_AGE (180 s) fails; retries at +5, +10, +20, +40 s fail too.
    await step(180 + 80)
    const warnings = logsSince(mark).filter(
      (line) => line.level === 'warn' && line.layer === 'ComputeTransport',
    )
    expect(warnings.length).toBeGreaterThanOrEqual(2)
    expect(warnings.length).toBeLessThanOrEqual(3)
    expect(warnings[0].text).toMatch(/toy:\S+ .*502 the provider is down.*serving the figure read at/)
    expect(warnings.at(-1)!.text).toMatch(/failed again \d+ times? since/)
    expect((await toy.testAdapter.request(request)).statusCode).toBe(200)
    expect(await scraped(toy.testAdapter, 'reserve_stale_requests')).toBe(1)
    expect(await scraped(toy.testAdapter, 'reserve_oldest_figure_age_seconds')).toBeGreaterThanOrEqual(259)

    toy.transport.outcome = async () => ({ result: '2', data: { result: '2' } })
    await step(60)
    expect(await scraped(toy.testAdapter, 'reserve_stale_requests')).toBe(0)
    expect(logsSince(mark).some((line) => /recovered after \d+ failures/.test(line.text))).toBe(true)
  })

  it('stays visible once the figure has expired while its provider still fails: unserved, its age growing', async () => {
    toy.transport.outcome = async () => {
      throw providerError('the provider is down')
    }
    // A node asking every 10 s, past the refresh (at 180 s) and the figure's expiry (at 360 s).
    for (let asked = 0; asked < 40; asked++) {
      await toy.testAdapter.request(request)
      await step(10)
    }
    expect((await toy.testAdapter.request(request)).statusCode).toBeGreaterThanOrEqual(500)
    const age = await scraped(toy.testAdapter, 'reserve_oldest_figure_age_seconds')
    expect({
      stale: await scraped(toy.testAdapter, 'reserve_stale_requests'),
      unserved: await scraped(toy.testAdapter, 'reserve_unserved_requests'),
      ageAboveCacheMaxAge: age! >= 360,
    }).toEqual({ stale: 0, unserved: 1, ageAboveCacheMaxAge: true })
    await step(30)
    expect(await scraped(toy.testAdapter, 'reserve_oldest_figure_age_seconds')).toBe(age! + 30)

    toy.transport.outcome = async () => ({ result: '3', data: { result: '3' } })
    await step(61)
    expect({
      stale: await scraped(toy.testAdapter, 'reserve_stale_requests'),
      unserved: await scraped(toy.testAdapter, 'reserve_unserved_requests'),
    }).toEqual({ stale: 0, unserved: 0 })
  })
})
