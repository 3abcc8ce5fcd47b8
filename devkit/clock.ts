/**
 * Time and the background loop, for tests (Jest only): hold `Date.now` and move it ahead to
 * expire subscriptions and cache entries at once, and wait for an adapter's background loop to
 * have run, instead of sleeping through real minutes.
 */
import { jest } from '@jest/globals'
import type { Adapter } from '@chainlink/external-adapter-framework/adapter'

const realNow = Date.now.bind(Date)
/** The time `Date.now` is held at, once a test has moved it. */
let frozenAt: number | undefined

/**
 * Holds `Date.now` still, `ms` after where it was (real time, the first time): what is
 * scheduled by it then happens at exact clock times, whatever time the test itself takes.
 * Timers keep real time.
 */
export function advanceClock(ms: number): void {
  const at = (frozenAt ?? realNow()) + ms
  frozenAt = at
  jest.spyOn(Date, 'now').mockImplementation(() => at)
}

/** Puts `Date.now` back on real time. */
export function resetClock(): void {
  frozenAt = undefined
  jest.spyOn(Date, 'now').mockRestore()
}

/** What the background loop calls on a transport. */
export interface BackgroundTransport {
  backgroundHandler(...args: never[]): Promise<void>
}

/** The transport of `adapter`'s default endpoint. */
export function defaultTransport<T = BackgroundTransport>(adapter: Adapter): T {
  const endpoint = adapter.endpoints.find((e) => e.name === adapter.defaultEndpoint) ?? adapter.endpoints[0]
  return endpoint.transportRoutes.get('default_single_transport') as T
}

/** Resolves once `transport`'s background handler has been called `count` more times. */
export async function backgroundTicks(transport: BackgroundTransport, count: number): Promise<void> {
  const spy = jest.spyOn(transport, 'backgroundHandler')
  try {
    while (spy.mock.calls.length < count) await new Promise((resolve) => setTimeout(resolve, 5))
  } finally {
    spy.mockRestore()
  }
}
