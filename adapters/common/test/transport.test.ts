import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { stopTestAdapter } from '#devkit/test-adapter'
import { inputError, providerError } from '../errors'
import { advanceClock, backgroundTicks, resetClock } from '#devkit/clock'
import { startToyAdapter, type ToyTransport } from './toy-adapter'

const SUBSCRIPTION_TTL_MS = 60_000
const CACHE_MAX_AGE_MS = 120_000

describe('ComputeTransport: what it keeps per request', () => {
  let testAdapter: TestAdapter
  let transport: ToyTransport
  /** Inputs of about 200 kB: 5,000 names of 40 characters. */
  const big = (name: string) => ({
    name,
    names: Array.from({ length: 5_000 }, (_, i) => `${name}-${i}`.padEnd(40, '.')),
  })

  beforeAll(async () => {
    ;({ testAdapter, transport } = await startToyAdapter({
      WARMUP_SUBSCRIPTION_TTL: String(SUBSCRIPTION_TTL_MS),
      CACHE_MAX_AGE: String(CACHE_MAX_AGE_MS),
    }))
  })
  afterAll(async () => {
    resetClock()
    await stopTestAdapter(testAdapter)
  })

  it('serialises none of the subscribed inputs on a tick with nothing to compute', async () => {
    for (const name of ['a', 'b', 'c']) {
      const data = big(name)
      while ((await testAdapter.request(data)).statusCode !== 200) await backgroundTicks(transport, 1)
    }
    const stringify = jest.spyOn(JSON, 'stringify')
    try {
      await backgroundTicks(transport, 10)
      const serialised = stringify.mock.results.reduce(
        (size, result) => size + (typeof result.value === 'string' ? result.value.length : 0),
        0,
      )
      // Three subscriptions of 200 kB each, ten ticks: 6 MB if each tick serialised them.
      expect(serialised).toBeLessThan(10_000)
    } finally {
      stringify.mockRestore()
    }
  })

  it('forgets a request once its subscription and its cached answer have expired: no answer, no state', async () => {
    expect(testAdapter.mockCache?.cache.size).toBeGreaterThan(0)
    advanceClock(SUBSCRIPTION_TTL_MS + CACHE_MAX_AGE_MS)
    await backgroundTicks(transport, 3)
    expect({
      cachedAnswers: testAdapter.mockCache?.cache.size,
      trackedRequests: (transport as unknown as { trackedRequests?: number }).trackedRequests,
    }).toEqual({ cachedAnswers: 0, trackedRequests: 0 })
  })
})

describe('ComputeTransport: figures that cannot be reported on-chain', () => {
  let testAdapter: TestAdapter
  let transport: ToyTransport
  const INT256_MAX = 2n ** 255n - 1n

  beforeAll(async () => {
    ;({ testAdapter, transport } = await startToyAdapter())
  })
  afterAll(async () => {
    await stopTestAdapter(testAdapter)
  })

  const answerWith = async (name: string, result: bigint) => {
    transport.outcome = async () => ({ result: result.toString(), data: { result: result.toString() } })
    let response = await testAdapter.request({ name })
    while (response.statusCode === 504) response = await testAdapter.request({ name })
    return { status: response.statusCode, body: response.json() }
  }

  it('reports the largest int256', async () => {
    expect(await answerWith('max', INT256_MAX)).toMatchObject({
      status: 200,
      body: { result: `${INT256_MAX}` },
    })
  })

  it.each([
    ['above', INT256_MAX + 1n],
    ['below', -INT256_MAX - 2n],
  ])('refuses a result %s the int256 of an on-chain answer with a 502 naming it', async (_where, result) => {
    const { status, body } = await answerWith(`out-${result}`, result)
    expect({ status, result: body.result, message: body.errorMessage }).toEqual({
      status: 502,
      result: undefined,
      message: expect.stringContaining(`${result}`),
    })
  })
})

describe('ComputeTransport: when a failed request is computed again', () => {
  let testAdapter: TestAdapter
  let transport: ToyTransport

  beforeAll(async () => {
    ;({ testAdapter, transport } = await startToyAdapter())
  })
  afterAll(async () => {
    resetClock()
    await stopTestAdapter(testAdapter)
  })

  /** The seconds, over `seconds` of clock time, at which request `name` was computed. */
  async function computedAt(name: string, failure: () => Error, seconds: number): Promise<number[]> {
    transport.outcome = async () => {
      throw failure()
    }
    await testAdapter.request({ name })
    const times: number[] = []
    let seen = 0
    for (let second = 0; second <= seconds; second++) {
      if (second > 0) advanceClock(1_000)
      await backgroundTicks(transport, 2)
      const count = transport.computations.filter((inputs) => inputs.name === name).length
      if (count > seen) times.push(second)
      seen = count
    }
    return times
  }

  it('retries a failure after 5 s, then ever more slowly: 10 s later, 20 s later, …', async () => {
    expect(await computedAt('flaky', () => providerError('the provider is down'), 40)).toEqual([0, 5, 15, 35])
  })

  it("does not retry a provider's 4xx answer before the next refresh: it is an answer", async () => {
    const notFound = () =>
      new AdapterError({
        name: 'AdapterDataProviderError',
        statusCode: 502,
        providerStatusCode: 404,
        message: 'no such account',
      })
    expect(await computedAt('gone', notFound, 60)).toEqual([0])
  })

  it('does not retry a request found bad while computing (400) before the next refresh', async () => {
    expect(await computedAt('bad', () => inputError('deeper than the chain'), 60)).toEqual([0])
  })
})
